import { StaffRole } from '@touchbase/core';
import { Import, ImportKind, ImportStatus, ImportsService } from '@touchbase/imports';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';
import { clientRows, csv, utf8, xlsx } from './imports-files';

interface Summary {
  id: string;
  status: string;
  total: number;
  created: number;
  failed: number;
  bytesRead: number;
  totalBytes: number;
  message: string | null;
}

const HEADER = ['Внешний код', 'Наименование', 'Тип', 'Телефон', 'E-mail', 'Адрес', 'Город', 'Область'];

/** What the console's import wizard stands on: inspecting a file, then importing it in the background. */
describe('Import wizard API: inspect, background import with progress (e2e)', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await createTestApp();
    key = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
  });
  afterAll(() => t?.close());

  const post = (url: string, file: Buffer, fileName: string, fields: Record<string, string>) => {
    const req = t.http().post(url).set('Authorization', `Bearer ${key}`);
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    return req.attach('file', file, fileName);
  };

  describe('POST /imports/inspect', () => {
    const rows = [
      ['Код', 'Название', 'Эл. почта', 'Примечание'],
      ['K-1', 'ООО «Альфа»', 'alpha@example.ru', 'звонить утром'],
      ['K-2', 'ООО «Бета»', 'beta@example.ru', ''],
    ];

    it('shows each column with the field it feeds and its first values; writes nothing', async () => {
      const res = await post('/api/v1/imports/inspect', utf8(csv(rows)), 'база.csv', {
        kind: 'clients',
      }).expect(200);
      expect(res.body).toMatchObject({
        kind: 'clients',
        fileName: 'база.csv',
        format: 'csv',
        delimiter: ';',
        problem: null,
        columns: [
          { index: 0, header: 'Код', field: 'externalRef', samples: ['K-1', 'K-2'] },
          { index: 1, header: 'Название', field: 'name', samples: ['ООО «Альфа»', 'ООО «Бета»'] },
          { index: 2, header: 'Эл. почта', field: 'email', samples: ['alpha@example.ru', 'beta@example.ru'] },
          { index: 3, header: 'Примечание', field: null, samples: ['звонить утром', ''] },
        ],
      });
      expect(res.body.fields).toEqual(
        expect.arrayContaining(['externalRef', 'name', 'email', 'owner', 'vip']),
      );
      expect(await t.dataSource.getRepository(Import).count()).toBe(0);
      const clients = await t.dataSource.query(`SELECT count(*)::int AS n FROM clients`);
      expect(clients[0].n).toBe(0);
    });

    it('applies a chosen mapping, and says what is missing when the name column is not mapped', async () => {
      const mapped = await post('/api/v1/imports/inspect', await xlsx(rows), 'база.xlsx', {
        kind: 'clients',
        mapping: JSON.stringify({ Примечание: 'tags', Название: null }),
      }).expect(200);
      expect(mapped.body.format).toBe('xlsx');
      expect(mapped.body.columns.map((c: { field: string | null }) => c.field)).toEqual([
        'externalRef',
        null,
        'email',
        'tags',
      ]);
      expect(mapped.body.problem).toMatch(/name/i);
    });

    it('refuses a mapping to an unknown field, an unknown kind and a missing file with 400 and the field', async () => {
      const unknown = await post('/api/v1/imports/inspect', utf8(csv(rows)), 'a.csv', {
        kind: 'clients',
        mapping: JSON.stringify({ Код: 'shoeSize' }),
      }).expect(400);
      expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'mapping' })]);
      const kind = await post('/api/v1/imports/inspect', utf8(csv(rows)), 'a.csv', { kind: 'cars' }).expect(
        400,
      );
      expect(kind.body.details).toEqual([expect.objectContaining({ field: 'kind' })]);
      const none = await t
        .http()
        .post('/api/v1/imports/inspect')
        .set('Authorization', `Bearer ${key}`)
        .field('kind', 'clients')
        .expect(400);
      expect(none.body.details).toEqual([expect.objectContaining({ field: 'file' })]);
    });

    it('a marketer may not inspect imports (403)', async () => {
      const marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
      await t
        .http()
        .post('/api/v1/imports/inspect')
        .set('Authorization', `Bearer ${marketer}`)
        .field('kind', 'clients')
        .attach('file', utf8(csv(rows)), 'a.csv')
        .expect(403);
    });
  });

  describe('POST /imports with background', () => {
    it('answers 202 at once; GET shows the progress moving to the end and the final counts', async () => {
      const file = clientRows(20_000, HEADER, '');
      const body = utf8(csv([file.header, ...file.rows.map((r) => r.slice(0, HEADER.length))]));
      const res = await post('/api/v1/imports', body, 'клиенты.csv', {
        kind: 'clients',
        background: 'true',
      }).expect(202);
      const started = res.body as Summary;
      expect(started).toMatchObject({ status: ImportStatus.Processing, totalBytes: body.length });

      const seen: number[] = [];
      let last = started;
      while (last.status === ImportStatus.Processing) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        last = (
          await t
            .http()
            .get(`/api/v1/imports/${started.id}`)
            .set('Authorization', `Bearer ${key}`)
            .expect(200)
        ).body as Summary;
        seen.push(last.bytesRead);
      }
      expect(last).toMatchObject({ status: ImportStatus.Completed, total: 20_000, bytesRead: body.length });
      expect(last.created + last.failed).toBe(20_000);
      expect(last.failed).toBe(file.bad.size);
      // Never backwards, and it reached the end.
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen.at(-1)).toBe(body.length);
      const count = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM clients WHERE external_ref LIKE 'ERP-%'`,
      );
      expect(count[0].n).toBe(last.created);
    });

    it('a file it cannot open is refused at once (no import left processing)', async () => {
      await post('/api/v1/imports', Buffer.from([0, 1, 2, 3, 0, 255]), 'x.bin', {
        kind: 'clients',
        background: 'true',
      }).expect(415);
      const processing = await t.dataSource
        .getRepository(Import)
        .countBy({ status: ImportStatus.Processing });
      expect(processing).toBe(0);
    });
  });

  it('an import left processing by a process that stopped is failed, saying so; a live one is not', async () => {
    const repo = t.dataSource.getRepository(Import);
    const base = {
      kind: ImportKind.Clients,
      fileName: 'a.csv',
      format: 'csv' as const,
      status: ImportStatus.Processing,
    };
    const dead = await repo.save(repo.create({ ...base, heartbeatAt: new Date(Date.now() - 10 * 60_000) }));
    const alive = await repo.save(repo.create({ ...base, heartbeatAt: new Date() }));
    await expect(t.app.get(ImportsService).failInterrupted()).resolves.toBe(1);
    await expect(repo.findOneByOrFail({ id: dead.id })).resolves.toMatchObject({
      status: ImportStatus.Failed,
      message: expect.stringMatching(/interrupted/),
    });
    await expect(repo.findOneByOrFail({ id: alive.id })).resolves.toMatchObject({
      status: ImportStatus.Processing,
    });
  });
});
