import { Branding } from '@touchbase/templates';

/** `#rrggbb` mixed with black: the hover shade of the company's colour. */
function darker(hex: string, share = 0.2): string {
  const mix = (i: number) =>
    Math.round(parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) * (1 - share))
      .toString(16)
      .padStart(2, '0');
  return `#${mix(0)}${mix(1)}${mix(2)}`;
}

/**
 * The company's colour over the client pages' stylesheet (header, buttons, links, choices). A file
 * of its own: the pages' CSP allows no inline style.
 */
export function brandStylesheet(branding: Branding): string {
  const c = branding.colour;
  const dark = darker(c);
  return [
    `.top{background:${c}}`,
    `a,.langs a[aria-current="true"]{color:${c}}`,
    `a:hover{color:${dark}}`,
    `.button{background:${c}}`,
    `.button:hover{background:${dark}}`,
    `.button.ghost{color:${c};border-color:${c}}`,
    `.tabs a:hover{border-color:${c}}`,
    `.choice input{accent-color:${c}}`,
    `.scale input:checked+span{background:${c};border-color:${c}}`,
    '',
  ].join('\n');
}
