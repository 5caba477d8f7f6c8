import type { Response } from 'superagent';
import { Locale, StaffRole } from '@touchbase/core';
import { SignersService } from '@touchbase/templates';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';
import { imageXObjects, pdfPages, signaturePng } from './letters-pdf';

// supertest keeps a PDF body as a Buffer only when told how.
function binary(res: Response, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('Letter template preview as a PDF page', () => {
  let t: TestApp;
  let salesOps: string;
  let marketer: string;
  let ruId: string;
  let enId: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const letter = (id: string, query: Record<string, string>, key = salesOps) =>
    t
      .http()
      .get(`/api/v1/templates/${id}/preview/letter.pdf`)
      .query(query)
      .set(as(key))
      .buffer(true)
      .parse(binary) as unknown as Promise<Response & { body: Buffer }>;

  beforeAll(async () => {
    t = await createTestApp({ COMPANY_NAME: 'ООО «Тачбейс»', COMPANY_NAME_EN: 'Touchbase LLC' });
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
    const create = async (body: object) =>
      (await t.http().post('/api/v1/templates').set(as(marketer)).send(body).expect(201)).body.id as string;
    ruId = await create({
      name: 'thanks-letter',
      channel: 'letter',
      locale: 'ru',
      body: 'Уважаемый {{client.name}}!\n\nБлагодарим за сотрудничество.',
    });
    enId = await create({
      name: 'thanks-letter',
      channel: 'letter',
      locale: 'en',
      body: 'Dear {{client.name}},\n\nThank you for working with us.',
    });
  });
  afterAll(() => t.close());

  it('lays out one letter for the client: its address in the window, the text, the signer', async () => {
    const client = await createClient(t.dataSource, {
      name: 'ООО «Лютик»',
      addressRecipient: 'ООО «Лютик», отдел закупок',
      addressLines: ['ул. Малышева, д. 5'],
      addressCity: 'Екатеринбург',
      addressPostalCode: '620014',
    });
    const signer = await t.app.get(SignersService).create({
      name: 'Иван Петров',
      nameEn: 'Ivan Petrov',
      title: 'генеральный директор',
      titleEn: 'Chief Executive Officer',
      email: 'ceo-preview@touchbase.example',
    });
    await t.app.get(SignersService).setSignature(signer.id, signaturePng());

    const res = await letter(ruId, { clientId: client.id, signerId: signer.id });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('inline; filename="thanks-letter-ru-preview.pdf"');
    expect(res.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = await pdfPages(res.body);
    expect(pages).toHaveLength(1);
    for (const text of [
      'ООО «Лютик», отдел закупок',
      'ул. Малышева, д. 5',
      '620014 Екатеринбург',
      'Уважаемый ООО «Лютик»!',
      'Благодарим за сотрудничество.',
      'Иван Петров',
      'PREVIEW',
    ]) {
      expect(pages[0]).toContain(text);
    }
    expect(imageXObjects(res.body)).toBe(1);

    // A batch prints each client the template of its own language: an English-speaking client here.
    const english = await createClient(t.dataSource, { name: 'Buttercup Ltd', locale: Locale.En });
    const en = await letter(enId, { clientId: english.id, signerId: signer.id });
    expect(en.status).toBe(200);
    const enText = (await pdfPages(en.body)).join('\n');
    expect(enText).toContain('Dear Buttercup Ltd,');
    expect(enText).toContain('Ivan Petrov');
  });

  it('400 for a template of another channel or bad input; 404 for an unknown template or client', async () => {
    const client = await createClient(t.dataSource);
    const sms = (
      await t
        .http()
        .post('/api/v1/templates')
        .set(as(marketer))
        .send({ name: 'not-a-letter', channel: 'sms', locale: 'ru', body: 'Привет, {{client.name}}' })
        .expect(201)
    ).body.id as string;
    const other = await t
      .http()
      .get(`/api/v1/templates/${sms}/preview/letter.pdf`)
      .query({ clientId: client.id })
      .set(as(salesOps))
      .expect(400);
    expect(other.body.details).toEqual([
      { field: 'id', messages: ['the template must be a letter template'] },
    ]);

    const bad = await t
      .http()
      .get(`/api/v1/templates/${ruId}/preview/letter.pdf`)
      .query({ clientId: 'x' })
      .set(as(salesOps))
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['clientId']);
    await t.http().get(`/api/v1/templates/${ruId}/preview/letter.pdf`).set(as(salesOps)).expect(400);

    await t
      .http()
      .get('/api/v1/templates/00000000-0000-4000-8000-000000000000/preview/letter.pdf')
      .query({ clientId: client.id })
      .set(as(salesOps))
      .expect(404);
    await t
      .http()
      .get(`/api/v1/templates/${ruId}/preview/letter.pdf`)
      .query({ clientId: '00000000-0000-4000-8000-000000000000' })
      .set(as(salesOps))
      .expect(404);
    await t
      .http()
      .get(`/api/v1/templates/${ruId}/preview/letter.pdf`)
      .query({ clientId: client.id })
      .expect(401);
  });
});
