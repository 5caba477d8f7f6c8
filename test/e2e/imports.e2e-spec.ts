import { parse } from 'csv-parse/sync';
import { neutraliseFormula, StaffRole } from '@touchbase/core';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';
import {
  BadKind,
  Cell,
  ClientFile,
  clientRows,
  cp1251,
  csv,
  PNG,
  RU_HEADER,
  utf8,
  xlsx,
} from './imports-files';

interface ReportBody {
  id: string;
  kind: string;
  status: string;
  dryRun: boolean;
  fileName: string;
  format: string;
  encoding: string | null;
  delimiter: string | null;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: { row: number; column: string | null; message: string }[];
  ignoredColumns: string[];
  createdAt: string;
  finishedAt: string | null;
}

// Other Russian spellings, with stray case, spaces and punctuation.
const RU_HEADER_2 = [
  'КОД',
  'Название',
  ' тип ',
  'Телефон',
  'Эл. почта',
  'Улица',
  'город',
  'Регион',
  'Почтовый  индекс',
  'Страна',
  'Ответственный',
  'Теги',
  'Часовой пояс',
  'ВИП',
  'Примечание',
];

describe('Imports API', () => {
  let t: TestApp;
  let salesOps: { id: string; key: string };
  let marketerKey: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const count = async (sql: string, params: unknown[] = []) =>
    ((await t.dataSource.query(sql, params)) as { n: number }[])[0].n;

  const upload = (
    file: Buffer,
    fileName: string,
    kind: string,
    extra: { dryRun?: boolean; mapping?: Record<string, string | null>; key?: string } = {},
  ) => {
    const req = t
      .http()
      .post('/api/v1/imports')
      .set(as(extra.key ?? salesOps.key))
      .field('kind', kind);
    if (extra.dryRun !== undefined) req.field('dryRun', String(extra.dryRun));
    if (extra.mapping) req.field('mapping', JSON.stringify(extra.mapping));
    return req.attach('file', file, fileName);
  };

  beforeAll(async () => {
    t = await createTestApp();
    const s = await createStaffWithKey(t.dataSource, StaffRole.SalesOps, {
      name: 'Ольга Смирнова',
      email: 'olga@example.com',
    });
    salesOps = { id: s.staff.id, key: s.key };
    marketerKey = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
  });
  afterAll(() => t.close());

  /** Every bad row reported on its row and column; nothing else. */
  function expectBadRowsReported(report: ReportBody, file: ClientFile): void {
    const expected = [...file.bad.entries()].map(([i, kind]: [number, BadKind]) => ({
      row: i + 2,
      column: file.columnOf[kind],
    }));
    expect(report.errors.map((e) => ({ row: e.row, column: e.column }))).toEqual(expected);
    const duplicate = report.errors.find((e) => e.column === file.columnOf.duplicate)!;
    expect(duplicate.message).toMatch(new RegExp(`first seen on row ${duplicate.row - 1}`));
    expect(report.errors.find((e) => e.column === file.columnOf.phone)!.message).toMatch(/phone/i);
  }

  async function expectGoodRowsImported(file: ClientFile, prefix: string): Promise<void> {
    const good = file.rows.length - file.bad.size;
    expect(
      await count(`SELECT count(*)::int AS n FROM clients WHERE external_ref LIKE $1`, [`${prefix}-%`]),
    ).toBe(good);
    // The bad rows wrote nothing: their emails are nowhere (the duplicate's reference is its first row's).
    const badEmails = [...file.bad.keys()].map((i) => `client${i}@example.ru`);
    expect(await count(`SELECT count(*)::int AS n FROM clients WHERE email = ANY($1)`, [badEmails])).toBe(0);
    const [sample] = await t.dataSource.query(
      `SELECT c.name, c.kind, c.email, c.phone, c.address_lines, c.address_city, c.address_country, c.owner_id,
              c.tags, c.time_zone, c.vip_flag, c.stage, p.frequency,
              (SELECT count(*)::int FROM stage_history h WHERE h.client_id = c.id AND h.cause = 'import'
                 AND h.actor_id = $2 AND h.to_stage = 'potential') AS history
         FROM clients c JOIN client_preferences p ON p.client_id = c.id WHERE c.external_ref = $1`,
      [`${prefix}-0`, salesOps.id],
    );
    expect(sample).toEqual({
      name: 'ООО «Клиент 0»',
      kind: 'person',
      email: 'client0@example.ru',
      phone: '+79121000000',
      address_lines: ['ул. Ленина, д. 0'],
      address_city: 'Екатеринбург',
      address_country: 'RU',
      owner_id: salesOps.id,
      tags: ['dealer', 'урал'],
      time_zone: 'Asia/Yekaterinburg',
      vip_flag: true,
      stage: 'potential',
      frequency: 'unlimited',
      history: 1,
    });
    const quoted = await t.dataSource.query(`SELECT name FROM clients WHERE external_ref = $1`, [
      `${prefix}-3`,
    ]);
    expect(quoted).toEqual([{ name: 'ООО "Север; Юг" 3' }]);
  }

  async function expectSecondImportUnchanged(file: Buffer, name: string, total: number, bad: number) {
    const before = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM stage_history)::int AS history, (SELECT count(*) FROM consent_log)::int AS consent,
              (SELECT max(updated_at) FROM clients) AS updated_at`,
    );
    const again = await upload(file, name, 'clients').expect(201);
    expect(again.body).toMatchObject({ total, created: 0, updated: 0, unchanged: total - bad, failed: bad });
    const after = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM stage_history)::int AS history, (SELECT count(*) FROM consent_log)::int AS consent,
              (SELECT max(updated_at) FROM clients) AS updated_at`,
    );
    expect(after).toEqual(before);
  }

  // First: the suite's database is fresh and the test server runs no autovacuum, so nothing else analyses.
  it('analyses the tables a large import wrote, so the statements after it are planned on statistics', async () => {
    const analysed = () =>
      t.dataSource.query(
        `SELECT t.relname AS table, t.last_analyze IS NOT NULL AS analysed, c.reltuples::int AS estimate
           FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid
          WHERE t.relname IN ('clients', 'client_preferences', 'stage_history') ORDER BY 1`,
      ) as Promise<{ table: string; analysed: boolean; estimate: number }[]>;
    expect((await analysed()).map((r) => r.analysed)).toEqual([false, false, false]);

    // Below the threshold: no ANALYZE.
    const small = clientRows(50, RU_HEADER, 'olga@example.com', 'ST');
    await upload(utf8(csv([small.header, ...small.rows])), 'small.csv', 'clients').expect(201);
    expect((await analysed()).map((r) => r.analysed)).toEqual([false, false, false]);

    const file = clientRows(1_200, RU_HEADER, 'olga@example.com', 'S');
    const report = (await upload(utf8(csv([file.header, ...file.rows])), 'stats.csv', 'clients').expect(201))
      .body as ReportBody;
    expect(report).toMatchObject({ created: 1_140, failed: 60 });
    const clients = await count(`SELECT count(*)::int AS n FROM clients`);
    const history = await count(`SELECT count(*)::int AS n FROM stage_history`);
    // Small tables are sampled whole: the estimates are the counts.
    expect(await analysed()).toEqual([
      { table: 'client_preferences', analysed: true, estimate: clients },
      { table: 'clients', analysed: true, estimate: clients },
      { table: 'stage_history', analysed: true, estimate: history },
    ]);
  });

  it('imports a 10,000-row XLSX: exactly the good rows, each bad one reported; the same file again changes nothing', async () => {
    const file = clientRows(10_000, RU_HEADER, 'olga@example.com', 'X');
    const buffer = await xlsx([file.header, ...file.rows]);
    const res = await upload(buffer, 'клиенты.xlsx', 'clients').expect(201);
    const report = res.body as ReportBody;
    expect(report).toMatchObject({
      kind: 'clients',
      status: 'completed',
      dryRun: false,
      fileName: 'клиенты.xlsx',
      format: 'xlsx',
      encoding: null,
      total: 10_000,
      created: 9_500,
      updated: 0,
      unchanged: 0,
      failed: 500,
      ignoredColumns: ['Комментарий'],
    });
    expect(report.finishedAt).not.toBeNull();
    expectBadRowsReported(report, file);
    await expectGoodRowsImported(file, 'X');
    await expectSecondImportUnchanged(buffer, 'клиенты.xlsx', 10_000, 500);
  }, 180_000);

  it('imports a 10,000-row Windows-1251 CSV with ";": the good rows, the bad ones by row and column, then unchanged', async () => {
    const file = clientRows(10_000, RU_HEADER_2, 'Ольга Смирнова', 'W');
    const buffer = cp1251(csv([file.header, ...file.rows]));
    const report = (await upload(buffer, 'base.csv', 'clients').expect(201)).body as ReportBody;
    expect(report).toMatchObject({
      format: 'csv',
      encoding: 'windows-1251',
      delimiter: ';',
      total: 10_000,
      created: 9_500,
      failed: 500,
      ignoredColumns: ['Примечание'],
    });
    expectBadRowsReported(report, file);
    await expectGoodRowsImported(file, 'W');
    await expectSecondImportUnchanged(buffer, 'base.csv', 10_000, 500);

    // The errors CSV holds exactly the failed rows, as they were (a formula neutralised), with the reason.
    const errors = await t
      .http()
      .get(`/api/v1/imports/${report.id}/errors.csv`)
      .set(as(salesOps.key))
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    const body = errors.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(body.toString('utf8').slice(1), { delimiter: ';' }) as string[][];
    expect(records[0]).toEqual([...RU_HEADER_2.map((h) => h.trim()), 'Ошибка / Error']);
    const failed = [...file.bad.keys()];
    expect(records.slice(1).map((r) => r.slice(0, -1))).toEqual(
      failed.map((i) => file.rows[i].map((c) => (c === null ? '' : neutraliseFormula(String(c))))),
    );
    expect(records[1 + failed.findIndex((i) => file.bad.get(i) === 'phone')].at(-1)).toMatch(/^Телефон: /);
  }, 180_000);

  it('maps English headers, whatever their case, spacing and punctuation, and an explicit mapping', async () => {
    const header = [
      'External ref',
      'COMPANY',
      'Type',
      'Phone',
      'e-mail',
      'Address',
      'City',
      'State',
      'Postal code',
      'Country',
      'Recipient',
      'Owner',
      'Tags',
      'Locale',
      'Time zone',
      'vip',
      'Code in 1C',
      'Notes',
    ];
    const row = [
      'EN-1',
      'Acme Ltd',
      'company',
      '+7 (343) 123-45-67',
      'Sales@Acme.com',
      '1 Main St',
      'Yekaterinburg',
      'Sverdlovsk',
      '620000',
      'ru',
      'Purchasing',
      'ОЛЬГА  смирнова',
      'export; b2b',
      'English',
      'Asia/Yekaterinburg',
      'no',
      'C-77',
      'ignore me',
    ];
    const res = await upload(utf8(csv([header, row], ','), true), 'acme.csv', 'clients', {
      mapping: { 'Code in 1C': 'recipient', Recipient: null },
    }).expect(201);
    expect(res.body).toMatchObject({ encoding: 'utf-8', delimiter: ',', created: 1, failed: 0 });
    expect([...res.body.ignoredColumns].sort()).toEqual(['Notes', 'Recipient']);
    const [client] = await t.dataSource.query(
      `SELECT name, kind, email, phone, address_lines, address_city, address_region, address_postal_code,
              address_country, address_recipient, owner_id, tags, locale, time_zone, vip_flag
         FROM clients WHERE external_ref = 'EN-1'`,
    );
    expect(client).toEqual({
      name: 'Acme Ltd',
      kind: 'company',
      email: 'sales@acme.com',
      phone: '+73431234567',
      address_lines: ['1 Main St'],
      address_city: 'Yekaterinburg',
      address_region: 'Sverdlovsk',
      address_postal_code: '620000',
      address_country: 'RU',
      address_recipient: 'C-77',
      owner_id: salesOps.id,
      tags: ['b2b', 'export'],
      locale: 'en',
      time_zone: 'Asia/Yekaterinburg',
      vip_flag: false,
    });

    const tab = await upload(
      utf8(
        csv(
          [
            ['Name', 'Email'],
            ['Tab Co', 'tab@example.com'],
          ],
          '\t',
        ),
      ),
      't.txt',
      'clients',
    );
    expect(tab.body).toMatchObject({ delimiter: '\t', created: 1 });
    const unknown = await upload(utf8(csv([['Name'], ['A']])), 'a.csv', 'clients', {
      mapping: { Name: 'title' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0]).toMatchObject({ field: 'mapping' });
    const noName = await upload(utf8(csv([['Email'], ['a@b.ru']])), 'a.csv', 'clients').expect(400);
    expect(noName.body.message).toMatch(/name column/);
  });

  it('matches by external reference, then email, then phone', async () => {
    const a = await createClient(t.dataSource, {
      externalRef: 'P-A',
      email: 'a@prio.ru',
      phone: '+79120000001',
    });
    const b = await createClient(t.dataSource, {
      externalRef: null,
      email: 'b@prio.ru',
      phone: '+79120000002',
    });
    const c = await createClient(t.dataSource, {
      externalRef: null,
      email: 'c@prio.ru',
      phone: '+79120000003',
    });
    const d = await createClient(t.dataSource, {
      externalRef: null,
      email: 'd@prio.ru',
      phone: '+79120000004',
    });
    const total = await count(`SELECT count(*)::int AS n FROM clients`);
    const rows: Cell[][] = [
      ['Код', 'Наименование', 'Email', 'Телефон'],
      ['P-A', 'A по коду', 'b@prio.ru', '+79120000003'], // the reference wins over email and phone
      ['', 'B по email', 'B@prio.ru', '+79120000009'], // no reference: email
      ['', 'C по телефону', 'new-c@prio.ru', '8 912 000-00-03'], // unknown email: phone
      ['P-D', 'D получает код', 'd@prio.ru', ''], // unknown reference, a client without one has the email
      ['P-E', 'E новый', 'a@prio.ru', ''], // the client with that email has another reference: a new client
      ['', 'Тот же B', 'zz@prio.ru', '+79120000002'], // lands on B again: refused
    ];
    const res = await upload(utf8(csv(rows)), 'prio.csv', 'clients').expect(201);
    expect(res.body).toMatchObject({ total: 6, created: 1, updated: 4, unchanged: 0, failed: 1 });
    expect(res.body.errors).toEqual([{ row: 7, column: null, message: expect.stringContaining('row 3') }]);
    const byId = async (id: string) =>
      (
        await t.dataSource.query(`SELECT name, external_ref, email, phone FROM clients WHERE id = $1`, [id])
      )[0];
    expect(await byId(a.id)).toEqual({
      name: 'A по коду',
      external_ref: 'P-A',
      email: 'b@prio.ru',
      phone: '+79120000003',
    });
    expect(await byId(b.id)).toMatchObject({ name: 'B по email', external_ref: null, phone: '+79120000009' });
    expect(await byId(c.id)).toMatchObject({ name: 'C по телефону', email: 'new-c@prio.ru' });
    expect(await byId(d.id)).toMatchObject({ name: 'D получает код', external_ref: 'P-D' });
    expect(await count(`SELECT count(*)::int AS n FROM clients`)).toBe(total + 1);
    expect(await count(`SELECT count(*)::int AS n FROM clients WHERE external_ref = 'P-E'`)).toBe(1);
  });

  it('stores whether the phone takes SMS, as the clients API does; an empty cell keeps phone and flag', async () => {
    const mobile = async () =>
      Object.fromEntries(
        (
          (await t.dataSource.query(
            `SELECT external_ref, phone, phone_mobile FROM clients WHERE external_ref LIKE 'PM-%'`,
          )) as { external_ref: string; phone: string | null; phone_mobile: boolean | null }[]
        ).map((r) => [r.external_ref, [r.phone, r.phone_mobile]]),
      );
    const first = utf8(
      csv([
        ['Код', 'Наименование', 'Телефон'],
        ['PM-1', 'Мобильный', '+7 912 345-67-89'],
        ['PM-2', 'Московский городской', '+7 495 123-45-67'],
        ['PM-3', 'Без телефона', ''],
      ]),
    );
    expect((await upload(first, 'pm.csv', 'clients').expect(201)).body).toMatchObject({
      created: 3,
      failed: 0,
    });
    expect(await mobile()).toEqual({
      'PM-1': ['+79123456789', true],
      'PM-2': ['+74951234567', false],
      'PM-3': [null, null],
    });

    // The same file again: nothing changes.
    expect((await upload(first, 'pm.csv', 'clients').expect(201)).body).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 3,
    });

    const second = utf8(
      csv([
        ['Код', 'Наименование', 'Телефон'],
        ['PM-1', 'Мобильный', '8 (495) 765-43-21'], // now a landline: no more SMS
        ['PM-2', 'Московский городской', ''], // no phone in the file: the stored one and its flag stay
        ['PM-3', 'Без телефона', '8 912 000-11-22'],
      ]),
    );
    expect((await upload(second, 'pm2.csv', 'clients').expect(201)).body).toMatchObject({
      updated: 2,
      unchanged: 1,
    });
    expect(await mobile()).toEqual({
      'PM-1': ['+74957654321', false],
      'PM-2': ['+74951234567', false],
      'PM-3': ['+79120001122', true],
    });

    // Exactly the flag the API stores for the same number.
    const api = await t
      .http()
      .post('/api/v1/clients')
      .set(as(salesOps.key))
      .send({ name: 'Через API', phone: '+7 495 765-43-21' })
      .expect(201);
    const [stored] = await t.dataSource.query(`SELECT phone, phone_mobile FROM clients WHERE id = $1`, [
      api.body.id,
    ]);
    expect(stored).toEqual({ phone: '+74957654321', phone_mobile: false });
  });

  it('a dry run reports what would happen and writes nothing but the import record', async () => {
    await createClient(t.dataSource, { externalRef: 'DRY-1', name: 'Старое имя' });
    const snapshot = () =>
      t.dataSource.query(
        `SELECT (SELECT count(*) FROM clients)::int AS clients, (SELECT count(*) FROM stage_history)::int AS history,
                (SELECT count(*) FROM client_preferences)::int AS prefs,
                (SELECT name FROM clients WHERE external_ref = 'DRY-1') AS name`,
      );
    const before = await snapshot();
    const rows = [
      ['Код', 'Наименование', 'Телефон'],
      ['DRY-1', 'Новое имя', ''],
      ['DRY-2', 'Новый', ''],
      ['DRY-3', '', ''],
    ];
    const res = await upload(utf8(csv(rows)), 'dry.csv', 'clients', { dryRun: true }).expect(201);
    expect(res.body).toMatchObject({
      dryRun: true,
      status: 'completed',
      total: 3,
      created: 1,
      updated: 1,
      failed: 1,
    });
    expect(await snapshot()).toEqual(before);
    const stored = await t.http().get(`/api/v1/imports/${res.body.id}`).set(as(salesOps.key)).expect(200);
    expect(stored.body).toMatchObject({
      dryRun: true,
      created: 1,
      updated: 1,
      failed: 1,
      errors: [{ row: 4 }],
    });
  });

  it('imports preferences through the consent log: one row per changed item, source import', async () => {
    const x = await createClient(t.dataSource, { externalRef: 'PR-X' });
    const y = await createClient(t.dataSource, { externalRef: null, email: 'y@prefs.ru' });
    const rows: Cell[][] = [
      [
        'Код клиента',
        'Email',
        'Отписан',
        'Email разрешён',
        'SMS разрешены',
        'Частота',
        'Предпочтительный канал',
        'Тема: promotions',
        'Тема: Новости компании',
      ],
      ['PR-X', '', 'нет', 'да', 'нет', 'раз в месяц', '', 'нет', 'да'],
      ['', 'Y@prefs.ru', '', '', '', 'twice a month', 'SMS', '', ''],
      ['PR-NOBODY', '', 'да', '', '', '', '', '', ''],
      ['PR-X2', '', '', '', '', 'иногда', '', '', ''],
    ];
    const file = utf8(csv(rows));
    const res = await upload(file, 'prefs.csv', 'preferences').expect(201);
    expect(res.body).toMatchObject({ total: 4, updated: 2, unchanged: 0, failed: 2 });
    expect(res.body.errors).toEqual([
      { row: 4, column: 'Код клиента', message: expect.stringContaining('No client') },
      { row: 5, column: 'Частота', message: expect.stringContaining('Unknown frequency') },
    ]);
    const log = async (clientId: string) =>
      t.dataSource.query(
        `SELECT item, old_value, new_value, source, actor_type, actor_id FROM consent_log WHERE client_id = $1 ORDER BY item`,
        [clientId],
      );
    const staff = { source: 'import', actor_type: 'staff', actor_id: salesOps.id };
    expect(await log(x.id)).toEqual([
      { item: 'channel.sms', old_value: true, new_value: false, ...staff },
      { item: 'frequency', old_value: 'unlimited', new_value: 'monthly', ...staff },
      { item: 'topic.promotions', old_value: true, new_value: false, ...staff },
    ]);
    expect(await log(y.id)).toEqual([
      { item: 'frequency', old_value: 'unlimited', new_value: 'twice-monthly', ...staff },
      { item: 'preferredChannel', old_value: null, new_value: 'sms', ...staff },
    ]);
    const consent = await count(`SELECT count(*)::int AS n FROM consent_log`);
    const again = await upload(file, 'prefs.csv', 'preferences').expect(201);
    expect(again.body).toMatchObject({ updated: 0, unchanged: 2, failed: 2 });
    expect(await count(`SELECT count(*)::int AS n FROM consent_log`)).toBe(consent);

    // «Темы» is the whole list: the topics it leaves out are unsubscribed.
    const q = await createClient(t.dataSource, { externalRef: 'PR-Q' });
    const list = await upload(
      utf8(
        csv([
          ['Код', 'Темы'],
          ['PR-Q', 'Новости компании, promotions'],
        ]),
      ),
      't.csv',
      'preferences',
    );
    expect(list.body).toMatchObject({ updated: 1, failed: 0 });
    const topics = await count(`SELECT count(*)::int AS n FROM topics`);
    const items = (await log(q.id)).map((r: { item: string; new_value: boolean }) => [r.item, r.new_value]);
    expect(items).toHaveLength(topics - 2);
    expect(
      items.every(([item, value]: [string, boolean]) => item.startsWith('topic.') && value === false),
    ).toBe(true);
  });

  it('imports purchases by client reference or email, idempotent by document number', async () => {
    const client = await createClient(t.dataSource, { externalRef: 'PU-1', email: 'buyer@pu.ru' });
    const rows: Cell[][] = [
      ['Номер документа', 'Код клиента', 'Email', 'Дата', 'Сумма', 'Валюта', 'Товар', 'Категория товара'],
      ['Д-1', 'PU-1', '', '15.01.2025', '1 234,50', 'руб.', 'Кабель', 'Электрика'],
      ['Д-2', '', 'Buyer@pu.ru', '2025-02-01', '99.9', '', '', ''],
      ['Д-3', 'PU-NONE', '', '01.03.2025', '10', 'RUB', '', ''],
      ['Д-4', 'PU-1', '', '31.02.2025', 'много', 'RUB', '', ''],
    ];
    const file = utf8(csv(rows));
    const res = await upload(file, 'sales.csv', 'purchases').expect(201);
    expect(res.body).toMatchObject({ total: 4, created: 2, failed: 2 });
    expect(res.body.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [4, 'Код клиента'],
      [5, 'Дата'],
      [5, 'Сумма'],
    ]);
    const purchases = await t.dataSource.query(
      `SELECT external_id, amount, currency, product, product_category FROM purchases WHERE client_id = $1 ORDER BY external_id`,
      [client.id],
    );
    expect(purchases).toEqual([
      {
        external_id: 'Д-1',
        amount: '1234.50',
        currency: 'RUB',
        product: 'Кабель',
        product_category: 'Электрика',
      },
      { external_id: 'Д-2', amount: '99.90', currency: 'RUB', product: null, product_category: null },
    ]);
    const [stats] = await t.dataSource.query(`SELECT purchase_count, stage FROM clients WHERE id = $1`, [
      client.id,
    ]);
    expect(stats.purchase_count).toBe(2);
    const again = await upload(file, 'sales.csv', 'purchases').expect(201);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2, failed: 2 });
  });

  it('refuses what is not a table (415), an unknown kind (400), no file (400), and more than 50 MB (413)', async () => {
    const imports = await count(`SELECT count(*)::int AS n FROM imports`);
    const png = await upload(PNG, 'logo.png', 'clients').expect(415);
    expect(png.body).toMatchObject({
      error: 'unsupported_media_type',
      message: expect.stringContaining('PNG'),
    });
    const renamed = await upload(PNG, 'clients.csv', 'clients').expect(415);
    expect(renamed.body.message).toMatch(/PNG/);
    const kind = await upload(utf8('Name\nA\n'), 'a.csv', 'animals').expect(400);
    expect(kind.body.details).toEqual([
      { field: 'kind', messages: [expect.stringContaining('clients, purchases, preferences')] },
    ]);
    const noFile = await t
      .http()
      .post('/api/v1/imports')
      .set(as(salesOps.key))
      .field('kind', 'clients')
      .expect(400);
    expect(noFile.body.details[0].field).toBe('file');
    const big = await upload(Buffer.alloc(51 * 1024 * 1024, 'a'), 'big.csv', 'clients').expect(413);
    expect(big.body.message).toMatch(/50 MB/);
    expect(await count(`SELECT count(*)::int AS n FROM imports`)).toBe(imports);
  });

  it('lets sales ops and admins import, not marketers; lists imports newest first with a cursor', async () => {
    await upload(utf8(csv([['Name'], ['M']])), 'm.csv', 'clients', { key: marketerKey }).expect(403);
    await t.http().get('/api/v1/imports').set(as(marketerKey)).expect(403);
    const first = await t.http().get('/api/v1/imports?limit=2').set(as(salesOps.key)).expect(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).not.toHaveProperty('errors');
    const second = await t
      .http()
      .get(`/api/v1/imports?limit=2&cursor=${first.body.nextCursor}`)
      .set(as(salesOps.key))
      .expect(200);
    const ids = [...first.body.items, ...second.body.items].map((i: { id: string }) => i.id);
    expect(new Set(ids).size).toBe(4);
    const times = [...first.body.items, ...second.body.items].map((i: { createdAt: string }) => i.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    await t
      .http()
      .get('/api/v1/imports/00000000-0000-4000-8000-000000000000')
      .set(as(salesOps.key))
      .expect(404);
  });
});
