import { ImportKind } from '../entities/import.entity';
import { mapHeaders, normalizeHeader } from './header-mapping';

const TOPICS = [
  { key: 'news', nameRu: 'Новости компании', nameEn: 'Company news' },
  { key: 'promotions', nameRu: 'Акции и специальные предложения', nameEn: 'Promotions and special offers' },
];

const fields = (kind: ImportKind, header: string[], custom?: Record<string, string | null>) =>
  Object.fromEntries(mapHeaders(kind, header, custom, TOPICS).columns.map((c) => [c.header, c.field]));

describe('header mapping', () => {
  it('ignores case, spaces and punctuation', () => {
    expect(normalizeHeader(' E-Mail ')).toBe('email');
    expect(normalizeHeader('Эл. почта')).toBe('элпочта');
    expect(normalizeHeader('Email разрешён')).toBe('emailразрешен');
  });

  it('maps Russian and English client headers', () => {
    expect(
      fields(ImportKind.Clients, [
        'Внешний код',
        'Наименование',
        'Тип',
        'Телефон',
        'E-mail',
        'Адрес',
        'Почтовый индекс',
        'Ответственный',
        'Часовой пояс',
      ]),
    ).toEqual({
      'Внешний код': 'externalRef',
      Наименование: 'name',
      Тип: 'kind',
      Телефон: 'phone',
      'E-mail': 'email',
      Адрес: 'addressLine1',
      'Почтовый индекс': 'postalCode',
      Ответственный: 'owner',
      'Часовой пояс': 'timeZone',
    });
    expect(
      fields(ImportKind.Clients, ['Company', 'Phone', 'Postal code', 'Owner', 'Time zone', 'Region']),
    ).toEqual({
      Company: 'name',
      Phone: 'phone',
      'Postal code': 'postalCode',
      Owner: 'owner',
      'Time zone': 'timeZone',
      Region: 'region',
    });
  });

  it('lists unknown columns and keeps the first column of a field', () => {
    const m = mapHeaders(ImportKind.Clients, ['Название', 'Комментарий', 'Клиент', ''], {}, []);
    expect(m.columns).toEqual([{ index: 0, header: 'Название', field: 'name' }]);
    expect(m.ignored).toEqual(['Комментарий', 'Клиент']);
    expect(m.stored).toEqual({ Название: 'name', Комментарий: null, Клиент: null });
  });

  it('lets an explicit mapping win, skip columns, and refuses unknown fields', () => {
    expect(
      fields(ImportKind.Clients, ['Код 1С', 'Имя', 'Телефон'], { 'код 1с': 'externalRef', Телефон: '' }),
    ).toEqual({
      'Код 1С': 'externalRef',
      Имя: 'name',
    });
    expect(() => mapHeaders(ImportKind.Clients, ['A'], { A: 'colour' })).toThrow(/mapping is invalid/);
    expect(() => mapHeaders(ImportKind.Clients, ['Имя'], { Фамилия: 'name' })).toThrow(/does not have/);
  });

  it('maps preference columns, topics by key or name', () => {
    expect(
      fields(ImportKind.Preferences, [
        'Код клиента',
        'Отписан',
        'SMS разрешены',
        'Частота',
        'Тема: promotions',
        'Тема: Новости компании',
        'Topic - Company news',
        'Тема: погода',
      ]),
    ).toEqual({
      'Код клиента': 'clientRef',
      Отписан: 'optedOut',
      'SMS разрешены': 'channel.sms',
      Частота: 'frequency',
      'Тема: promotions': 'topic.promotions',
      'Тема: Новости компании': 'topic.news',
    });
  });

  it('maps purchase columns', () => {
    expect(
      fields(ImportKind.Purchases, [
        'Номер',
        'Код клиента',
        'Дата',
        'Сумма',
        'Валюта',
        'Товар',
        'Категория товара',
      ]),
    ).toEqual({
      Номер: 'externalId',
      'Код клиента': 'clientRef',
      Дата: 'date',
      Сумма: 'amount',
      Валюта: 'currency',
      Товар: 'product',
      'Категория товара': 'productCategory',
    });
  });
});
