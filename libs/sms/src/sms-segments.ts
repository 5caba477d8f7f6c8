/**
 * SMS segment counting (3GPP TS 23.038 / 23.040), as carriers bill it.
 *
 * - GSM-7 when every character is in the GSM 03.38 basic set or its extension table: 160 septets in one
 *   message, 153 per part of a concatenated one (the UDH takes 7). Extension characters (`^{}\[~]|€` and
 *   form feed) are sent as ESC + char, so they count double and are never split across parts.
 * - UCS-2 (UTF-16 on the wire) otherwise — any Cyrillic letter makes the whole message UCS-2: 70 code
 *   units in one, 67 per part; a surrogate pair (emoji) is never split across parts.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentCount {
  encoding: SmsEncoding;
  /** Billable parts; 0 for an empty text. */
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
}

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);
const SURROGATE = /[\uD800-\uDFFF]/;

export const SEGMENT_LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
};

/** The encoding a text needs and the parts it is sent (and billed) as. */
export function countSegments(text: string): SmsSegmentCount {
  const gsm = gsmSeptets(text);
  if (gsm) return { encoding: 'GSM-7', ...split(gsm, SEGMENT_LIMITS['GSM-7']) };
  const limits = SEGMENT_LIMITS['UCS-2'];
  if (!SURROGATE.test(text)) {
    // Every character one unit: plain arithmetic (the common case, e.g. Cyrillic).
    const units = text.length;
    return {
      encoding: 'UCS-2',
      segments: units <= limits.single ? 1 : Math.ceil(units / limits.part),
      units,
    };
  }
  // Code points: an astral character is two UTF-16 units that must stay in one part.
  return {
    encoding: 'UCS-2',
    ...split(
      Array.from(text, (ch) => ch.length),
      limits,
    ),
  };
}

/** Septets per character, or null when a character is outside GSM-7. */
function gsmSeptets(text: string): number[] | null {
  const out: number[] = [];
  for (const ch of text) {
    if (BASIC.has(ch)) out.push(1);
    else if (EXTENSION.has(ch)) out.push(2);
    else return null;
  }
  return out;
}

/** Fills parts greedily without splitting a character's units. */
function split(
  widths: number[],
  limits: { single: number; part: number },
): { segments: number; units: number } {
  const units = widths.reduce((a, b) => a + b, 0);
  if (units === 0) return { segments: 0, units };
  if (units <= limits.single) return { segments: 1, units };
  let segments = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > limits.part) {
      segments += 1;
      used = 0;
    }
    used += w;
  }
  return { segments, units };
}
