import { Locale, StaffRole } from '@touchbase/core';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';

interface Problem {
  field: string;
  line: number | null;
  column: number | null;
  message: string;
  variable?: string;
}

describe('Template editor tools: validate and SMS preview', () => {
  let t: TestApp;
  let marketer: string;
  const as = () => ({ Authorization: `Bearer ${marketer}` });
  const validate = (body: object) => t.http().post('/api/v1/templates/validate').set(as()).send(body);
  const createTemplate = async (body: object): Promise<string> =>
    (await t.http().post('/api/v1/templates').set(as()).send(body).expect(201)).body.id;
  const smsPreview = (id: string, body: object = {}) =>
    t.http().post(`/api/v1/templates/${id}/preview/sms`).set(as()).send(body);

  beforeAll(async () => {
    t = await createTestApp();
    ({ key: marketer } = await createStaffWithKey(t.dataSource, StaffRole.Marketer));
  });
  afterAll(() => t.close());

  describe('validate', () => {
    it('accepts what create accepts', async () => {
      const res = await validate({
        channel: 'email',
        locale: 'en',
        subject: 'News from {{company.name}}',
        body: '<p>Hello, {{client.name}}!</p>{{{edition.html}}}',
      }).expect(200);
      expect(res.body).toEqual({ ok: true, errors: [] });
    });

    it('lists every unknown variable with its line and column (1-based)', async () => {
      const res = await validate({
        channel: 'sms',
        body: 'Здравствуйте, {{client.firstName}}!\n  Ваш менеджер: {{owner.nickname}} {{client.name}}',
      }).expect(200);
      expect(res.body.ok).toBe(false);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'body', line: 1, column: 17, variable: 'client.firstName' }),
        expect.objectContaining({ field: 'body', line: 2, column: 19, variable: 'owner.nickname' }),
      ]);
      expect(res.body.errors[0].message).toMatch(
        /^"client\.firstName" is not available; available: client\.name/,
      );
    });

    it('locates a syntax error where the parser stopped', async () => {
      const res = await validate({
        channel: 'sms',
        body: 'Привет!\n  {{#if client.email}} {{ client.name }\n',
      }).expect(200);
      expect(res.body.errors).toHaveLength(1);
      // The stray "}" closing {{ client.name }: column 39 of line 2.
      expect(res.body.errors[0]).toMatchObject({ field: 'body', line: 2, column: 39 });
      expect(res.body.errors[0].message).toMatch(/^syntax error on line 2/);
    });

    it('locates an unclosed block, an unknown helper and raw output, subject and body apart', async () => {
      const unclosed = await validate({ channel: 'sms', body: 'a\n{{#if client.email}}\nб' }).expect(200);
      expect(unclosed.body.errors).toEqual([expect.objectContaining({ field: 'body', line: 3 })]);

      const res = await validate({
        channel: 'email',
        subject: 'Hi {{shout client.name}}',
        body: 'x\n {{{client.name}}}',
      }).expect(200);
      const byField = Object.fromEntries((res.body.errors as Problem[]).map((e) => [e.field, e]));
      expect(byField.subject).toMatchObject({ line: 1, column: 4 });
      expect(byField.subject.message).toContain('unknown helper "shout"');
      expect(byField.body).toMatchObject({ line: 2, column: 2 });
      expect(byField.body.message).toContain('raw output');
    });

    it('a subject only for email; bad channel or empty body are 400', async () => {
      const sms = await validate({ channel: 'sms', subject: 'x', body: 'y' }).expect(200);
      expect(sms.body.errors).toEqual([
        expect.objectContaining({ field: 'subject', line: null, column: null }),
      ]);
      const email = await validate({ channel: 'email', body: 'y' }).expect(200);
      expect(email.body.errors[0]).toMatchObject({
        field: 'subject',
        message: 'an email template needs a subject',
      });

      const bad = await validate({ channel: 'fax', body: '' }).expect(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['body', 'channel']);
    });
  });

  describe('SMS preview', () => {
    let ruId: string;
    let enId: string;

    beforeAll(async () => {
      ruId = await createTemplate({
        name: 'reminder',
        channel: 'sms',
        locale: 'ru',
        body: 'Здравствуйте, {{client.name}}! Ждём вас.',
      });
      enId = await createTemplate({
        name: 'reminder',
        channel: 'sms',
        locale: 'en',
        body: 'Hello {{client.name}}!',
      });
    });

    it('renders for a client: Cyrillic is UCS-2, 70 characters to a segment, 67 once split', async () => {
      const short = await createClient(t.dataSource, { name: 'Анна' });
      const res = await smsPreview(ruId, { clientId: short.id }).expect(200);
      expect(res.body).toMatchObject({
        templateId: ruId,
        locale: 'ru',
        text: 'Здравствуйте, Анна! Ждём вас.',
        encoding: 'UCS-2',
        segments: 1,
        characters: 29,
        units: 29,
      });
      expect(res.body.costEstimate).toBe(t.env.SMS_SEGMENT_COST);
      expect(res.body.currency).toBe(t.env.CURRENCY);

      const long = await createClient(t.dataSource, { name: 'Я'.repeat(60) });
      const split = await smsPreview(ruId, { clientId: long.id }).expect(200);
      expect(split.body).toMatchObject({ encoding: 'UCS-2', characters: 85, segments: 2 });
    });

    it('GSM-7 for plain Latin, the sibling template for another locale, a sample client without one', async () => {
      const client = await createClient(t.dataSource, { name: 'John', locale: Locale.En });
      const res = await smsPreview(ruId, { clientId: client.id, locale: 'en' }).expect(200);
      expect(res.body).toMatchObject({
        templateId: enId,
        locale: 'en',
        text: 'Hello John!',
        encoding: 'GSM-7',
        segments: 1,
        characters: 11,
      });
      const sample = await smsPreview(enId).expect(200);
      expect(sample.body.text).toMatch(/^Hello .+!$/);
      expect(sample.body.segments).toBe(1);
    });

    it('404 for an unknown template, client or missing locale; 400 for a non-SMS template or bad input', async () => {
      await smsPreview('00000000-0000-4000-8000-000000000000').expect(404);
      await smsPreview(ruId, { clientId: '00000000-0000-4000-8000-000000000000' }).expect(404);
      const email = await createTemplate({
        name: 'email-only',
        channel: 'email',
        locale: 'ru',
        subject: 'Тема',
        body: '<p>Текст</p>',
      });
      const notSms = await smsPreview(email).expect(400);
      expect(notSms.body.details).toEqual([
        { field: 'id', messages: ['the template must be an SMS template'] },
      ]);
      const onlyRu = await createTemplate({ name: 'ru-only', channel: 'sms', locale: 'ru', body: 'Привет' });
      await smsPreview(onlyRu, { locale: 'en' }).expect(404);
      const bad = await smsPreview(ruId, { clientId: 'x', locale: 'de' }).expect(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['clientId', 'locale']);
    });
  });
});
