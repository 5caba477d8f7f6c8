import { parse } from 'csv-parse/sync';
import { OpenAPIObject } from '@nestjs/swagger';
import { StaffRole } from '@touchbase/core';
import { buildOpenApiDocument, MAX_JSON_DEPTH } from '@touchbase/http';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { portalToken } from './portal-support';

/** `{"a":{"a":…}}` nested `levels` deep: about 20 KB at 3,000 levels. */
function deepJson(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

const UUID = '00000000-0000-4000-8000-000000000000';
const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };

describe('Bad input: deep JSON, NUL bytes, formulas in CSV files', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ THROTTLE_PUBLIC_PER_MINUTE: '100000' });
  });
  afterAll(() => t.close());

  it('answers a body nested 3,000 levels deep with 400 before validation, on the public link request too', async () => {
    for (const path of ['/api/v1/portal/link-request', '/api/v1/staff', '/api/v1/segments']) {
      const res = await t
        .http()
        .post(path)
        .set(admin)
        .set('Content-Type', 'application/json')
        .send(deepJson(3000))
        .expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        error: 'validation_failed',
        details: [{ field: 'body', messages: [`body is nested more than ${MAX_JSON_DEPTH} levels deep`] }],
      });
    }
    // Just inside the limit, the body is validated as usual.
    const shallow = await t
      .http()
      .post('/api/v1/portal/link-request')
      .set('Content-Type', 'application/json')
      .send(deepJson(MAX_JSON_DEPTH - 1))
      .expect(400);
    expect(shallow.body.details.map((d: { field: string }) => d.field)).toContain('a');
  });

  it('answers a NUL byte in a path parameter with 400 naming the parameter', async () => {
    const topic = await t.http().get('/api/v1/topics/%00').set(admin).expect(400);
    expect(topic.body).toMatchObject({
      error: 'validation_failed',
      details: [{ field: 'key', messages: ['key contains a control character or an invalid encoding'] }],
    });
    const letter = await t.http().post('/api/v1/deliveries/1%00/returned').set(admin).send({}).expect(400);
    expect(letter.body.details[0].field).toBe('id');
    const edition = await t
      .http()
      .get(`/api/v1/campaigns/${UUID}/editions/2026-11%00`)
      .set(admin)
      .expect(400);
    expect(edition.body.details[0].field).toBe('periodKey');
    // The portal's pages answer the same refusal, as a page.
    await t.http().get('/portal/ab%00cd').expect(400);
  });

  it('answers a NUL byte in a body string, a field name or a query value with 400 naming it, writing nothing', async () => {
    const body = await t
      .http()
      .post('/api/v1/topics')
      .set(admin)
      .send({ key: 'nul-topic', nameRu: 'Нуль\u0000', nameEn: 'Nul' })
      .expect(400);
    expect(body.body.details).toEqual([{ field: 'nameRu', messages: ['nameRu contains a NUL character'] }]);
    expect(await t.dataSource.query(`SELECT 1 FROM topics WHERE key = 'nul-topic'`)).toHaveLength(0);
    const key = await t.http().post('/api/v1/staff').set(admin).send({ 'na\u0000me': 'x' }).expect(400);
    expect(key.body.details[0].messages).toEqual(['a field name in body contains a NUL character']);
    const query = await t.http().get('/api/v1/clients?q=ab%00cd').set(admin).expect(400);
    expect(query.body.details).toEqual([{ field: 'q', messages: ['q contains a NUL character'] }]);
  });

  it("neutralises formulas in an import's errors file, and reads them back when it is imported again", async () => {
    const { key } = await createStaffWithKey(t.dataSource, StaffRole.SalesOps);
    const header = 'Внешний код;Наименование;Телефон;E-mail;Город';
    const rows = [
      'F-1;"=HYPERLINK(""http://evil.example"";""Нажмите"")";+7 912 345-67-89;bad-email;Москва',
      "F-2;@SUM(1+1);+cmd|' /C calc'!A0;f2@example.com;-2+3",
      'F-3;ООО «Ок»;+7 912 000-00-03;f3@example.com;Москва',
    ];
    const file = Buffer.from(`${header}\r\n${rows.join('\r\n')}\r\n`, 'utf8');
    const upload = (buffer: Buffer) =>
      t
        .http()
        .post('/api/v1/imports')
        .set({ Authorization: `Bearer ${key}` })
        .field('kind', 'clients')
        .attach('file', buffer, 'formulas.csv')
        .expect(201);
    const report = (await upload(file)).body as { id: string; failed: number; created: number };
    expect(report).toMatchObject({ failed: 2, created: 1 });

    const res = await t
      .http()
      .get(`/api/v1/imports/${report.id}/errors.csv`)
      .set({ Authorization: `Bearer ${key}` })
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const errorsFile = res.body as Buffer;
    const records = parse(errorsFile.toString('utf8').slice(1), { delimiter: ';' }) as string[][];
    expect(records.slice(1).map((r) => r.slice(0, -1))).toEqual([
      ['F-1', `'=HYPERLINK("http://evil.example";"Нажмите")`, "'+7 912 345-67-89", 'bad-email', 'Москва'],
      ['F-2', "'@SUM(1+1)", "'+cmd|' /C calc'!A0", 'f2@example.com', "'-2+3"],
    ]);
    // No cell of the file starts a formula.
    for (const cell of records.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    // Imported again as it is, the values are the original ones (the rows still fail for their reasons).
    const again = (await upload(errorsFile)).body as { errors: { row: number; column: string | null }[] };
    const problems = again.errors.map((e) => e.column).sort();
    expect(problems).toEqual(['E-mail', 'Телефон'].sort());
  });

  it('finds no 5xx on any route of the OpenAPI document: NUL bytes in path, query and body, and deep JSON', async () => {
    const document: OpenAPIObject = buildOpenApiDocument(t.app);
    const client = await createClient(t.dataSource, { email: 'fuzz@example.com' });
    const portal = portalToken(t, client.id);
    const failures: string[] = [];
    let requests = 0;
    const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of methods) {
        const op = item[method];
        if (!op) continue;
        const portalAuth = (op.security ?? []).some((s) => 'portal-token' in s);
        const auth = { Authorization: `Bearer ${portalAuth ? portal : TEST_ADMIN_KEY}` };
        const params = (op.parameters ?? []) as { name: string; in: string }[];
        const url = (value: (name: string) => string, query: string) =>
          path.replace(/\{([^}]+)\}/g, (_, name: string) => value(name)) + query;
        const plain = (name: string) => (name === 'token' ? portal : /id$/i.test(name) ? UUID : 'x');
        const nulQuery = params
          .filter((p) => p.in === 'query')
          .map((p) => `${encodeURIComponent(p.name)}=a%00b`)
          .join('&');
        const attempts: { url: string; body?: string }[] = [
          { url: url(() => '%00', '') },
          { url: url(plain, nulQuery ? `?${nulQuery}` : '?q=%00') },
        ];
        if (method !== 'get' && method !== 'delete') {
          attempts.push({ url: url(plain, ''), body: deepJson(3000) });
          attempts.push({ url: url(plain, ''), body: JSON.stringify(nulBody(document, op.requestBody)) });
        }
        for (const a of attempts) {
          let req = t.http()[method](a.url).set(auth);
          if (a.body !== undefined) req = req.set('Content-Type', 'application/json').send(a.body);
          const res = await req;
          requests++;
          // /health answers 503 by design here: no worker beats in this app.
          if (res.status >= 500 && path !== '/health')
            failures.push(`${method.toUpperCase()} ${a.url} → ${res.status}`);
        }
      }
    }
    expect(requests).toBeGreaterThan(300);
    expect(failures).toEqual([]);
  }, 300_000);
});

/** An object with every property of the request body's schema set to a string holding a NUL byte. */
function nulBody(document: OpenAPIObject, requestBody: unknown): Record<string, string> {
  const ref = (requestBody as { content?: Record<string, { schema?: { $ref?: string } }> } | undefined)
    ?.content?.['application/json']?.schema?.$ref;
  const name = ref?.split('/').pop();
  const schema = name
    ? (document.components?.schemas?.[name] as { properties?: object } | undefined)
    : undefined;
  const out: Record<string, string> = { value: 'a\u0000b' };
  for (const key of Object.keys(schema?.properties ?? {})) out[key] = 'a\u0000b';
  return out;
}
