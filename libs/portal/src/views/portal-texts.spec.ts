import { Locale } from '@touchbase/core';
import { PORTAL_TEXTS } from './portal-texts';

type Leaf = { path: string; value: unknown };

/** Every string and function of a text tree, with its path. */
function leaves(node: unknown, path = ''): Leaf[] {
  if (typeof node === 'object' && node !== null) {
    return Object.entries(node).flatMap(([key, value]) => leaves(value, path ? `${path}.${key}` : key));
  }
  return [{ path, value: node }];
}

const CYRILLIC = /[а-яё]/i;
// Each language is named in itself, and SMS is SMS in Russian too.
const SAME_IN_BOTH = new Set(['lang.ru', 'lang.en', 'preferences.channelNames.sms']);

describe('portal texts', () => {
  const ru = leaves(PORTAL_TEXTS[Locale.Ru]);
  const en = leaves(PORTAL_TEXTS[Locale.En]);
  const said = (leaf: Leaf) =>
    typeof leaf.value === 'function' ? (leaf.value as (a: string) => string)('X') : leaf.value;

  it('say the same things in Russian and English: the same keys, every one a non-empty text', () => {
    expect(en.map((l) => l.path)).toEqual(ru.map((l) => l.path));
    for (const leaf of [...ru, ...en]) {
      expect({ path: leaf.path, type: typeof said(leaf) }).toEqual({ path: leaf.path, type: 'string' });
      expect({ path: leaf.path, empty: (said(leaf) as string).trim() === '' }).toEqual({
        path: leaf.path,
        empty: false,
      });
    }
  });

  it('say the Russian in Russian and the English in English', () => {
    for (const leaf of ru.filter((l) => !SAME_IN_BOTH.has(l.path))) {
      expect({ path: leaf.path, russian: CYRILLIC.test(said(leaf) as string) }).toEqual({
        path: leaf.path,
        russian: true,
      });
    }
    for (const leaf of en.filter((l) => !SAME_IN_BOTH.has(l.path))) {
      expect({ path: leaf.path, text: said(leaf) }).not.toEqual({
        path: leaf.path,
        text: expect.stringMatching(CYRILLIC),
      });
    }
  });

  it('put the name, date or company they are given into the sentence', () => {
    for (const locale of [Locale.Ru, Locale.En]) {
      const t = PORTAL_TEXTS[locale];
      expect(t.greeting('Анна Петрова')).toContain('Анна Петрова');
      expect(t.contact.verifiedAt('2 ноября 2026 г.')).toContain('2 ноября 2026 г.');
      expect(t.footer('ООО «Альфа»')).toContain('ООО «Альфа»');
    }
  });
});
