import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LetterFonts {
  regular: string;
  bold: string;
}

/**
 * PT Sans (ParaType, made for Russian; SIL OFL) from the @expo-google-fonts/pt-sans npm package: the
 * TTF files ship with the dependencies, so a fresh machine needs no system fonts. pdfkit embeds the
 * subset of glyphs a PDF uses.
 */
export function letterFonts(): LetterFonts {
  const root = path.dirname(require.resolve('@expo-google-fonts/pt-sans/package.json'));
  const fonts = {
    regular: path.join(root, '400Regular', 'PTSans_400Regular.ttf'),
    bold: path.join(root, '700Bold', 'PTSans_700Bold.ttf'),
  };
  for (const file of Object.values(fonts)) {
    if (!fs.existsSync(file)) throw new Error(`The letter font ${file} is missing: run npm install`);
  }
  return fonts;
}
