import { countSegments } from './sms-segments';

describe('countSegments', () => {
  it('counts GSM-7: 160 in one message, 153 per part after that', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, units: 161 });
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
    expect(countSegments('a'.repeat(459)).segments).toBe(3);
    expect(countSegments('a'.repeat(460)).segments).toBe(4);
  });

  it('keeps the GSM-7 basic set GSM-7: accents, Greek capitals, £, line breaks', () => {
    const text = 'Prix: 5£ - non èéùìò ÄÖÑÜ ΔΦΓΛΩ\n@_§¿¡';
    expect(countSegments(text).encoding).toBe('GSM-7');
  });

  it('counts GSM-7 extension characters double', () => {
    expect(countSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSegments('€'.repeat(81))).toEqual({ encoding: 'GSM-7', segments: 2, units: 162 });
    expect(countSegments('a'.repeat(158) + '{')).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSegments('a'.repeat(159) + '[').segments).toBe(2);
    for (const ch of '^{}\\[~]|€\f') expect(countSegments(ch)).toMatchObject({ encoding: 'GSM-7', units: 2 });
  });

  it('never splits an escape sequence across parts', () => {
    // 152 septets, then a 2-septet character: it does not fit in the first part's last septet.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(152);
    expect(countSegments(text)).toEqual({ encoding: 'GSM-7', segments: 3, units: 306 });
    expect(countSegments('a'.repeat(151) + '€' + 'a'.repeat(153)).segments).toBe(2);
  });

  it('counts UCS-2: 70 in one message, 67 per part after that', () => {
    expect(countSegments('я'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(countSegments('я'.repeat(71))).toEqual({ encoding: 'UCS-2', segments: 2, units: 71 });
    expect(countSegments('я'.repeat(134)).segments).toBe(2);
    expect(countSegments('я'.repeat(135)).segments).toBe(3);
    expect(countSegments('я'.repeat(201)).segments).toBe(3);
    expect(countSegments('я'.repeat(202)).segments).toBe(4);
  });

  it('makes the whole message UCS-2 for one Cyrillic letter', () => {
    const latin = 'a'.repeat(100);
    expect(countSegments(latin).segments).toBe(1);
    expect(countSegments(latin + 'ж')).toEqual({ encoding: 'UCS-2', segments: 2, units: 101 });
    expect(countSegments('Здравствуйте! Ваш заказ готов.').encoding).toBe('UCS-2');
  });

  it('makes characters outside GSM-7 UCS-2: curly quotes, em dash, emoji', () => {
    expect(countSegments('“quoted”').encoding).toBe('UCS-2');
    expect(countSegments('a — b').encoding).toBe('UCS-2');
    expect(countSegments('«ёлки»').encoding).toBe('UCS-2');
  });

  it('counts an emoji as two units and never splits it', () => {
    expect(countSegments('😀')).toEqual({ encoding: 'UCS-2', segments: 1, units: 2 });
    expect(countSegments('😀'.repeat(35))).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    // 66 units, then a pair that would straddle the first part's end.
    expect(countSegments('я'.repeat(66) + '😀' + 'я'.repeat(66))).toEqual({
      encoding: 'UCS-2',
      segments: 3,
      units: 134,
    });
  });

  it('counts an empty text as nothing to send', () => {
    expect(countSegments('')).toEqual({ encoding: 'GSM-7', segments: 0, units: 0 });
  });
});
