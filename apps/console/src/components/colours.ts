// Tag colours dark enough for white text (WCAG AA), instead of antd's light presets.
export const TAG = {
  green: '#237804',
  gold: '#8a5300',
  orange: '#a84300',
  red: '#a8071a',
  blue: '#1f5fbf',
  grey: '#595959',
} as const;
