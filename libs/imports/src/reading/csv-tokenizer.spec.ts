import * as fc from 'fast-check';
import { CsvTokenizer } from './csv-tokenizer';

function tokenize(text: string, delimiter = ';', chunkSizes: number[] = [text.length || 1]): string[][] {
  const t = new CsvTokenizer(delimiter);
  const out: string[][] = [];
  let pos = 0;
  let i = 0;
  while (pos < text.length) {
    const size = Math.max(1, chunkSizes[i++ % chunkSizes.length]);
    out.push(...t.push(text.slice(pos, pos + size)).map((r) => r.fields));
    pos += size;
  }
  out.push(...t.end().map((r) => r.fields));
  return out;
}

function write(records: string[][], delimiter: string, eol: string): string {
  return records
    .map((r) =>
      r.map((f) => (/[;,\t"\r\n]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f)).join(delimiter),
    )
    .join(eol);
}

describe('CsvTokenizer', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks', () => {
    const text = 'a;b;c\r\n"x;y";"say ""hi""";"line1\nline2"\r\nlast;;\n';
    expect(tokenize(text)).toEqual([
      ['a', 'b', 'c'],
      ['x;y', 'say "hi"', 'line1\nline2'],
      ['last', '', ''],
    ]);
  });

  it('accepts LF, CRLF and CR line ends and a missing final line end', () => {
    expect(tokenize('a,b\rc,d\r\ne,f\ng,h', ',')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it('keeps an empty line as one empty field, so rows can still be counted', () => {
    expect(tokenize('h\n\nx\n')).toEqual([['h'], [''], ['x']]);
  });

  it('reports a quote that is never closed and keeps the rest of the text in the field', () => {
    const t = new CsvTokenizer(';');
    expect(t.push('a;"b\nc')).toEqual([]);
    expect(t.end()).toEqual([{ fields: ['a', 'b\nc'], unclosedQuote: true }]);
  });

  it('gives the same records however the text is split into chunks', () => {
    const field = fc.string({
      unit: fc.constantFrom('a', 'я', ';', ',', '"', '\n', '\r', ' ', '1'),
      maxLength: 8,
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(';', ',', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        (records, delimiter, eol, chunks) => {
          const text = write(records, delimiter, eol) + eol;
          expect(tokenize(text, delimiter, chunks)).toEqual(records);
        },
      ),
    );
  });
});
