import {
  parseDateBound,
  parseIsoInstant,
  parsePurchaseItem,
  PurchaseParseResult,
} from './purchase-item.parser';

const ctx = { currency: 'RUB', timeZone: 'Europe/Moscow', now: new Date('2026-06-01T12:00:00Z') };
const CLIENT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

function errorsOf(result: PurchaseParseResult): Record<string, string> {
  return result.ok ? {} : Object.fromEntries(result.errors.map((e) => [e.field, e.message]));
}

describe('parsePurchaseItem', () => {
  it('normalises a good item: trims, upper-cases the currency, keeps the amount exact', () => {
    const result = parsePurchaseItem(
      {
        externalId: ' INV-1 ',
        clientId: CLIENT.toUpperCase(),
        purchasedAt: '2026-05-31T10:15:00+05:00',
        amount: '1 234,50',
        currency: 'usd',
        product: '',
      },
      ctx,
    );
    expect(result).toEqual({
      ok: true,
      row: {
        externalId: 'INV-1',
        clientId: CLIENT,
        clientExternalRef: null,
        purchasedAt: new Date('2026-05-31T05:15:00Z'),
        amount: '1234.50',
        currency: 'USD',
        product: null,
        productCategory: null,
      },
    });
  });

  it('defaults the currency and reads dates without an offset in the workspace zone', () => {
    const result = parsePurchaseItem(
      { clientExternalRef: 'ERP-1', purchasedAt: '2026-01-15', amount: -99.9 },
      ctx,
    );
    expect(result.ok && result.row).toMatchObject({
      currency: 'RUB',
      amount: '-99.9',
      clientExternalRef: 'ERP-1',
      purchasedAt: new Date('2026-01-14T21:00:00Z'),
    });
  });

  it.each([
    [{ amount: 0 }, 'amount', 'zero'],
    [{ amount: 10.005 }, 'amount', '2 decimals'],
    [{ amount: 1e13 }, 'amount', 'below'],
    [{ amount: true }, 'amount', 'number'],
    [{ currency: 'RUR' }, 'currency', 'ISO 4217'],
    [{ currency: 7 }, 'currency', 'ISO 4217'],
    [{ purchasedAt: '2026-02-30' }, 'purchasedAt', 'ISO 8601'],
    [{ purchasedAt: '31.05.2026' }, 'purchasedAt', 'ISO 8601'],
    [{ purchasedAt: '2026-06-03' }, 'purchasedAt', 'future'],
    [{ purchasedAt: '1899-12-31' }, 'purchasedAt', '1900'],
    [{ clientId: 'abc' }, 'clientId', 'UUID'],
    [{ clientExternalRef: 'ERP-1' }, 'clientId', 'not both'],
    [{ externalId: 'x'.repeat(201) }, 'externalId', '200'],
    [{ product: { name: 'x' } }, 'product', 'string'],
    [{ extra: 1 }, 'extra', 'not an allowed field'],
  ])('reports %j on %s', (change, field, message) => {
    const item = { clientId: CLIENT, purchasedAt: '2026-05-01', amount: 10, ...change };
    const errors = errorsOf(parsePurchaseItem(item, ctx));
    expect(Object.keys(errors)).toEqual([field]);
    expect(errors[field]).toContain(message);
  });

  it('reports every problem of an item at once, and a non-object as such', () => {
    expect(Object.keys(errorsOf(parsePurchaseItem({}, ctx))).sort()).toEqual([
      'amount',
      'clientId',
      'purchasedAt',
    ]);
    expect(parsePurchaseItem([1], ctx)).toEqual({
      ok: false,
      errors: [{ field: '', message: 'an item must be an object' }],
    });
  });
});

describe('parseDateBound', () => {
  it('takes a date-time as given and a date as the whole day in the zone', () => {
    expect(parseDateBound('2026-03-10T05:00:00Z', 'Europe/Moscow', 'to')).toEqual(
      new Date('2026-03-10T05:00:00Z'),
    );
    expect(parseDateBound('2026-03-10', 'Europe/Moscow', 'from')).toEqual(new Date('2026-03-09T21:00:00Z'));
    expect(parseDateBound('2026-03-10', 'Europe/Moscow', 'to')).toEqual(new Date('2026-03-10T21:00:00Z'));
    expect(parseDateBound('2026-02-30', 'Europe/Moscow', 'from')).toBeNull();
  });
});

describe('parseIsoInstant', () => {
  it.each([
    ['2026-03-10', '2026-03-09T21:00:00.000Z'],
    ['2026-03-10T12:30', '2026-03-10T09:30:00.000Z'],
    ['2026-03-10T12:30:15.123456Z', '2026-03-10T12:30:15.123Z'],
    ['2026-03-10T12:30:00+0530', '2026-03-10T07:00:00.000Z'],
    ['2026-03-10T12:30:00-03', '2026-03-10T15:30:00.000Z'],
    ['2024-02-29', '2024-02-28T21:00:00.000Z'],
  ])('reads %s in Moscow as %s', (text, iso) => {
    expect(parseIsoInstant(text, 'Europe/Moscow')?.toISOString()).toBe(iso);
  });

  it('follows daylight saving time in the zone', () => {
    // Berlin: UTC+1 in winter, UTC+2 in summer; 02:30 on 2026-03-29 does not exist (clocks jump).
    expect(parseIsoInstant('2026-01-15T10:00', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-01-15T09:00:00.000Z',
    );
    expect(parseIsoInstant('2026-07-15T10:00', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-07-15T08:00:00.000Z',
    );
    expect(parseIsoInstant('2026-10-25T12:00', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-10-25T11:00:00.000Z',
    );
    expect(parseIsoInstant('2026-03-29T02:30', 'Europe/Berlin')).toBeInstanceOf(Date);
  });

  it.each([
    '2026-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-01-01T24:00',
    '2026-01-01T10:60',
    '0099-01-01',
    '2026-1-1',
    '2026-01-01T10:00+25:00',
  ])('refuses %s', (text) => {
    expect(parseIsoInstant(text, 'Europe/Moscow')).toBeNull();
  });
});
