import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CampaignKind, CampaignStatus } from '@touchbase/campaigns';
import { ClientKind, Stage } from '@touchbase/clients';
import { Channel, Locale, StaffRole } from '@touchbase/core';
import { TemplateLoaderService } from '@touchbase/templates';
import { createCampaign, createEdition } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { createStaffMember, createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

interface TemplateBody {
  id: string;
  name: string;
  channel: Channel;
  locale: Locale;
  subject: string | null;
  body: string;
  builtin: boolean;
  updatedAt: string;
}

const DEFAULTS = [
  'ceo-letter/email',
  'ceo-letter/letter',
  'contact-verification-call/call',
  'monthly-broadcast/email',
  'monthly-broadcast/letter',
  'monthly-broadcast/sms',
  'survey-invitation/email',
  'survey-invitation/sms',
  'vip-call/call',
  'win-back/email',
  'win-back/sms',
].flatMap((t) => [`${t}.en`, `${t}.ru`]);

describe('Templates', () => {
  let t: TestApp;
  let marketer: string;
  let salesOps: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const admin = as(TEST_ADMIN_KEY);

  const create = (body: Record<string, unknown>, key = marketer) =>
    t.http().post('/api/v1/templates').set(as(key)).send(body);
  const sms = (name: string, body: string, extra: Record<string, unknown> = {}) =>
    create({ name, channel: 'sms', locale: 'ru', body, ...extra });
  const builtins = async (): Promise<TemplateBody[]> =>
    (await t.http().get('/api/v1/templates').set(admin).expect(200)).body.items.filter(
      (x: TemplateBody) => x.builtin,
    );

  beforeAll(async () => {
    t = await createTestApp();
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
  });
  afterAll(() => t.close());

  describe('default templates', () => {
    it('are loaded at start as built-in templates', async () => {
      const items = await builtins();
      expect(items.map((x) => `${x.name}/${x.channel}.${x.locale}`).sort()).toEqual(DEFAULTS);
      const email = items.find(
        (x) => x.name === 'monthly-broadcast' && x.channel === 'email' && x.locale === 'ru',
      )!;
      expect(email.subject).toBe('{{edition.subject}}');
      expect(email.body).toMatch(/^<!DOCTYPE html>/);
      expect(email.body).toContain('{{{edition.html}}}');
    });

    it('render for a realistic client in both locales, with real links and Cyrillic intact', async () => {
      const owner = await createStaffMember(t.dataSource, {
        name: 'Анна Смирнова',
        email: 'anna.smirnova@example.com',
      });
      const ru = await createClient(t.dataSource, {
        name: 'ООО «Ромашка»',
        kind: ClientKind.Company,
        ownerId: owner.id,
        stage: Stage.Key,
        vipFlag: true,
        addressRecipient: 'ООО «Ромашка», отдел закупок',
        addressLines: ['ул. Малышева, д. 51, оф. 1204'],
      });
      const en = await createClient(t.dataSource, {
        name: 'Northwind Trading Ltd',
        locale: Locale.En,
        timeZone: 'Europe/London',
        ownerId: owner.id,
        addressLines: ['12 Baker Street'],
        addressCity: 'London',
        addressRegion: null,
        addressPostalCode: 'NW1 6XE',
        addressCountry: 'GB',
      });
      const signer = (
        await t
          .http()
          .post('/api/v1/signers')
          .set(as(marketer))
          .send({
            name: 'Иван Петров',
            title: 'генеральный директор',
            titleEn: 'Chief Executive Officer',
            email: 'ceo@example.com',
          })
          .expect(201)
      ).body;
      const campaign = await createCampaign(t.dataSource, {
        kind: CampaignKind.CeoLetter,
        signerId: signer.id,
        topicKey: 'company-letters',
      });
      await createEdition(t.dataSource, campaign, '2026-Q4', {
        subjectRu: 'Итоги года',
        subjectEn: 'The year in review',
        blocks: [
          { type: 'heading', ru: 'Новый склад в Челябинске', en: 'A new warehouse' },
          { type: 'paragraph', ru: 'Доставка по Уралу — за один день.', en: 'Next-day delivery.' },
        ],
      });

      for (const template of await builtins()) {
        const client = template.locale === Locale.Ru ? ru : en;
        const res = await t
          .http()
          .post(`/api/v1/templates/${template.id}/preview`)
          .set(as(marketer))
          .send({ clientId: client.id, campaignId: campaign.id });
        const label = `${template.name}/${template.channel}.${template.locale}`;
        expect({ label, status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({
          label,
          status: 200,
          body: 'ok',
        });
        const all = [res.body.subject, res.body.html, res.body.text].filter(Boolean).join('\n');
        expect(all).toMatch(/\/portal\/[\w-]+\.[\w-]+\?lang=(ru|en)/);
        if (template.channel === Channel.Email) {
          expect(Object.keys(res.body).sort()).toEqual(['html', 'subject', 'text']);
          expect(res.body.text).toMatch(/\/u\/[\w-]+\.[\w-]+/);
        } else {
          expect(Object.keys(res.body)).toEqual(['text']);
        }
        expect(all).not.toMatch(/\{\{|undefined|\bnull\b|\uFFFD/);
        if (template.locale === Locale.Ru) expect(all).toMatch(/[а-яё]{4}/);
        if (template.channel === Channel.Call) {
          expect(res.body.text).toContain(client.name);
          expect(res.body.text).toContain('Анна Смирнова');
        }
        if (template.name === 'ceo-letter') {
          expect(all).toContain('Иван Петров');
          // The signer's title in the client's language only.
          const [own, other] =
            template.locale === Locale.Ru
              ? ['генеральный директор', 'Chief Executive Officer']
              : ['Chief Executive Officer', 'генеральный директор'];
          expect(all).toContain(own);
          expect(all).not.toContain(other);
        }
        if (template.name === 'monthly-broadcast' && template.channel === Channel.Email) {
          expect(res.body.subject).toBe(template.locale === Locale.Ru ? 'Итоги года' : 'The year in review');
          if (template.locale === Locale.Ru)
            expect(res.body.html).toContain('Доставка по Уралу — за один день.');
        }
      }
      // The Russian call script carries the client's Cyrillic address as stored.
      const call = (await builtins()).find(
        (x) => x.name === 'contact-verification-call' && x.locale === 'ru',
      )!;
      const script = await t
        .http()
        .post(`/api/v1/templates/${call.id}/preview`)
        .set(as(salesOps))
        .send({ clientId: ru.id })
        .expect(200);
      expect(script.body.text).toContain(
        'ООО «Ромашка», отдел закупок, ул. Малышева, д. 51, оф. 1204, Екатеринбург',
      );
    });

    it('are loaded idempotently and never overwrite an edited template', async () => {
      const loader = t.app.get(TemplateLoaderService);
      const sms = (await builtins()).find(
        (x) => x.name === 'win-back' && x.channel === 'sms' && x.locale === 'ru',
      )!;
      await t
        .http()
        .patch(`/api/v1/templates/${sms.id}`)
        .set(as(marketer))
        .send({ body: 'Мы скучаем! {{portal.url}}' })
        .expect(200);

      const again = await loader.load();
      expect(again).toEqual({ inserted: [], present: DEFAULTS.length, failed: [] });
      const after = await t.http().get(`/api/v1/templates/${sms.id}`).set(admin).expect(200);
      expect(after.body).toMatchObject({ body: 'Мы скучаем! {{portal.url}}', builtin: true });

      // A default that is missing (a new release's file) is added; replicas starting together add it once.
      const survey = (await builtins()).find(
        (x) => x.name === 'survey-invitation' && x.channel === 'sms' && x.locale === 'en',
      )!;
      await t.dataSource.query(`DELETE FROM templates WHERE id = $1`, [survey.id]);
      const results = await Promise.all([loader.load(), loader.load(), loader.load()]);
      expect(results.flatMap((r) => r.inserted)).toEqual(['survey-invitation/sms.en']);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM templates WHERE name = 'survey-invitation' AND channel = 'sms' AND locale = 'en'`,
      );
      expect(n).toBe(1);
    });

    it('skips a broken file and loads the rest', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-templates-'));
      try {
        fs.mkdirSync(path.join(dir, 'extra-promo'));
        fs.writeFileSync(path.join(dir, 'extra-promo', 'sms.ru.hbs'), 'Акция! {{portal.url}}\n');
        fs.writeFileSync(
          path.join(dir, 'extra-promo', 'sms.en.hbs'),
          'Hi {{client.firstName}} {{portal.url}}\n',
        );
        fs.writeFileSync(path.join(dir, 'extra-promo', 'email.ru.hbs'), '<p>{{{client.name}}}</p>');
        const result = await t.app.get(TemplateLoaderService).load(dir);
        expect(result.inserted).toEqual(['extra-promo/sms.ru']);
        expect(result.failed).toHaveLength(2);
        expect(result.failed.join('\n')).toMatch(
          /extra-promo\/sms\.en\.hbs: body: "client\.firstName" is not available/,
        );
        expect(result.failed.join('\n')).toMatch(
          /extra-promo\/email\.ru\.hbs: an email template needs "subject:"/,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('create and update', () => {
    it('creates a template and lists it by name, channel and locale', async () => {
      const res = await create({
        name: 'spring-promo',
        channel: 'email',
        locale: 'ru',
        subject: 'Весна в {{company.name}}',
        body: '<p>{{client.name}}, весенние скидки!</p><p><a href="{{portal.url}}">Настройки</a></p>',
        description: '  Весенняя акция ',
      }).expect(201);
      expect(res.body).toMatchObject({
        name: 'spring-promo',
        channel: 'email',
        locale: 'ru',
        builtin: false,
        description: 'Весенняя акция',
      });
      const list = await t
        .http()
        .get('/api/v1/templates?name=spring-promo&channel=email')
        .set(as(salesOps))
        .expect(200);
      expect(list.body.items.map((x: TemplateBody) => x.id)).toEqual([res.body.id]);
      const none = await t
        .http()
        .get('/api/v1/templates?name=spring-promo&locale=en')
        .set(as(salesOps))
        .expect(200);
      expect(none.body.items).toEqual([]);
      await t.http().get('/api/v1/templates?channel=fax').set(as(salesOps)).expect(400);
      await create({ name: 'spring-promo', channel: 'email', locale: 'ru', subject: 's', body: 'b' }).expect(
        409,
      );
    });

    it('validates name, channel, locale and subject', async () => {
      const bad = await create({ name: 'Spring Promo', channel: 'fax', locale: 'de', body: 'x' }).expect(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'channel',
        'locale',
        'name',
      ]);
      const noSubject = await create({
        name: 'no-subject',
        channel: 'email',
        locale: 'ru',
        body: '<p>x</p>',
      }).expect(400);
      expect(noSubject.body.message).toBe('subject: an email template needs a subject');
      await sms('with-subject', 'x', { subject: 'Тема' }).expect(400);
      await sms('empty-body', '').expect(400);
    });

    it('refuses a syntax error, naming the line', async () => {
      const res = await sms('broken', 'Привет!\n{{#if client.email}}\nбез конца').expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        error: 'validation_failed',
        details: { field: 'body', line: 3 },
      });
      expect(res.body.message).toMatch(/^body: syntax error on line 3/);
    });

    it('refuses a variable a message does not have, naming it (strict mode)', async () => {
      const res = await sms('typo', 'Здравствуйте, {{client.firstName}}!').expect(400);
      expect(res.body.message).toMatch(
        /^body: "client\.firstName" is not available; available: client\.name, client\.kind/,
      );
      expect(res.body.details).toMatchObject({ field: 'body', variable: 'client.firstName', line: 1 });
    });

    it('refuses triple braces except {{{edition.html}}} in an email body', async () => {
      const raw = await create({
        name: 'raw',
        channel: 'email',
        locale: 'en',
        subject: 's',
        body: '<p>{{{client.name}}}</p>',
      }).expect(400);
      expect(raw.body.message).toMatch(/^body: line 1: raw output \{\{\{client\.name\}\}\} is not allowed/);
      await create({
        name: 'raw',
        channel: 'email',
        locale: 'en',
        subject: 's',
        body: '<p>{{& client.name}}</p>',
      }).expect(400);
      await sms('raw-sms', '{{{edition.html}}}').expect(400);
      await create({
        name: 'raw',
        channel: 'email',
        locale: 'en',
        subject: 's',
        body: '<div>{{{edition.html}}}</div>',
      }).expect(201);
    });

    it('refuses prototype access', async () => {
      for (const body of ['{{constructor.constructor}}', '{{__proto__}}', '{{client.constructor.name}}']) {
        const res = await sms('proto', body).expect(400);
        expect(res.body.message).toMatch(/is not available/);
      }
      // Through the lookup helper the answer is simply nothing.
      const res = await sms('proto', '[{{lookup client "constructor"}}] {{portal.url}}').expect(201);
      const client = await createClient(t.dataSource);
      const preview = await t
        .http()
        .post(`/api/v1/templates/${res.body.id}/preview`)
        .set(as(marketer))
        .send({ clientId: client.id })
        .expect(200);
      expect(preview.body.text).toMatch(/^\[\] https?:\/\//);
    });

    it('updates subject, body and description; name, channel and locale stay', async () => {
      const created = await sms('update-me', 'Старый текст').expect(201);
      const res = await t
        .http()
        .patch(`/api/v1/templates/${created.body.id}`)
        .set(as(marketer))
        .send({ body: 'Новый текст {{portal.url}}', description: 'Новое описание' })
        .expect(200);
      expect(res.body).toMatchObject({
        name: 'update-me',
        body: 'Новый текст {{portal.url}}',
        description: 'Новое описание',
      });
      expect(new Date(res.body.updatedAt).getTime()).toBeGreaterThan(
        new Date(created.body.updatedAt).getTime(),
      );
      await t
        .http()
        .patch(`/api/v1/templates/${created.body.id}`)
        .set(as(marketer))
        .send({ name: 'renamed' })
        .expect(400);
      await t
        .http()
        .patch(`/api/v1/templates/${created.body.id}`)
        .set(as(marketer))
        .send({ body: '{{#if}}' })
        .expect(400);
      // Preview renders the new version at once (the compiled cache is keyed by version).
      const client = await createClient(t.dataSource);
      const preview = await t
        .http()
        .post(`/api/v1/templates/${created.body.id}/preview`)
        .set(as(marketer))
        .send({ clientId: client.id })
        .expect(200);
      expect(preview.body.text).toMatch(/^Новый текст https?:\/\//);
    });

    it('lists what templates can use', async () => {
      const res = await t.http().get('/api/v1/templates/variables?locale=ru').set(as(salesOps)).expect(200);
      const names = res.body.variables.map((v: { name: string }) => v.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'client.name',
          'owner.email',
          'signer.title',
          'edition.blocks[].text',
          'portal.url',
          'unsubscribe.allUrl',
          'company.name',
          'today',
        ]),
      );
      expect(res.body.variables.find((v: { name: string }) => v.name === 'client.name').example).toBe(
        'ООО «Ромашка»',
      );
      expect(res.body).toMatchObject({ helpers: ['formatDate', 'formatMoney', 'eq'], raw: ['edition.html'] });
    });
  });

  describe('preview', () => {
    it('escapes client data in HTML', async () => {
      const tpl = await create({
        name: 'escape-check',
        channel: 'email',
        locale: 'ru',
        subject: 'Для {{client.name}}',
        body: '<p><b>Здравствуйте</b>, {{client.name}}!</p>',
      }).expect(201);
      const client = await createClient(t.dataSource, { name: '<script>alert(1)</script>' });
      const res = await t
        .http()
        .post(`/api/v1/templates/${tpl.body.id}/preview`)
        .set(as(marketer))
        .send({ clientId: client.id })
        .expect(200);
      expect(res.body.html).toBe('<p><b>Здравствуйте</b>, &lt;script&gt;alert(1)&lt;/script&gt;!</p>');
      expect(res.body.subject).toBe('Для <script>alert(1)</script>');
      expect(res.body.text).toBe('Здравствуйте, <script>alert(1)</script>!');
    });

    it('names a variable this message lacks (400)', async () => {
      const tpl = await sms('needs-signer', 'С уважением, {{signer.name}}').expect(201);
      const client = await createClient(t.dataSource);
      const res = await t
        .http()
        .post(`/api/v1/templates/${tpl.body.id}/preview`)
        .set(as(marketer))
        .send({ clientId: client.id })
        .expect(400);
      expect(res.body).toMatchObject({
        error: 'validation_failed',
        message:
          'body: "signer.name" is not available: this message has no signer (guard it with {{#if signer}}…{{/if}})',
        details: { variable: 'signer.name' },
      });
    });

    it('uses the campaign’s latest edition, or the one asked for', async () => {
      const tpl = await sms('edition-subject', '{{edition.subject}}').expect(201);
      const campaign = await createCampaign(t.dataSource);
      const older = await createEdition(t.dataSource, campaign, '2026-10', { subjectRu: 'Октябрь' });
      await createEdition(t.dataSource, campaign, '2026-11', { subjectRu: 'Ноябрь' });
      const client = await createClient(t.dataSource);
      const preview = (body: Record<string, unknown>) =>
        t
          .http()
          .post(`/api/v1/templates/${tpl.body.id}/preview`)
          .set(as(marketer))
          .send({ clientId: client.id, ...body });
      expect((await preview({ campaignId: campaign.id }).expect(200)).body.text).toBe('Ноябрь');
      expect((await preview({ campaignId: campaign.id, editionId: older.id }).expect(200)).body.text).toBe(
        'Октябрь',
      );
      const other = await createCampaign(t.dataSource);
      await preview({ campaignId: other.id, editionId: older.id }).expect(400);
    });

    it('answers 404 for an unknown client, campaign or template', async () => {
      const tpl = await sms('for-404', 'x').expect(201);
      const client = await createClient(t.dataSource);
      const missing = '00000000-0000-4000-8000-000000000000';
      await t
        .http()
        .post(`/api/v1/templates/${tpl.body.id}/preview`)
        .set(as(marketer))
        .send({ clientId: missing })
        .expect(404);
      await t
        .http()
        .post(`/api/v1/templates/${tpl.body.id}/preview`)
        .set(as(marketer))
        .send({ clientId: client.id, campaignId: missing })
        .expect(404);
      await t
        .http()
        .post(`/api/v1/templates/${missing}/preview`)
        .set(as(marketer))
        .send({ clientId: client.id })
        .expect(404);
      await t.http().post(`/api/v1/templates/${tpl.body.id}/preview`).set(as(marketer)).send({}).expect(400);
    });
  });

  describe('delete', () => {
    it('refuses a built-in template: edit it instead', async () => {
      const [builtin] = await builtins();
      const res = await t.http().delete(`/api/v1/templates/${builtin.id}`).set(admin).expect(409);
      expect(res.body.message).toMatch(/is built in; edit it instead$/);
    });

    it('refuses a template a campaign uses, until the campaign is archived', async () => {
      const tpl = await sms('in-use', 'x').expect(201);
      const campaign = await createCampaign(t.dataSource, {
        name: 'Весенняя акция',
        channels: [Channel.Sms],
        templates: { sms: 'in-use' },
      });
      const res = await t.http().delete(`/api/v1/templates/${tpl.body.id}`).set(as(marketer)).expect(409);
      expect(res.body.message).toMatch(/is used by "Весенняя акция"/);
      expect(res.body.details.campaigns).toEqual([{ id: campaign.id, name: 'Весенняя акция' }]);
      // The same name on another channel does not count.
      const email = await create({
        name: 'in-use',
        channel: 'email',
        locale: 'ru',
        subject: 's',
        body: 'b',
      }).expect(201);
      await t.http().delete(`/api/v1/templates/${email.body.id}`).set(as(marketer)).expect(204);
      await t.dataSource.query(`UPDATE campaigns SET status = $1 WHERE id = $2`, [
        CampaignStatus.Archived,
        campaign.id,
      ]);
      await t.http().delete(`/api/v1/templates/${tpl.body.id}`).set(as(marketer)).expect(204);
      await t.http().get(`/api/v1/templates/${tpl.body.id}`).set(as(marketer)).expect(404);
    });
  });

  describe('roles', () => {
    it('lets every staff role read and preview, and marketers and admins write', async () => {
      const tpl = await sms('roles', 'x').expect(201);
      const id = tpl.body.id;
      await t.http().get('/api/v1/templates').set(as(salesOps)).expect(200);
      await t.http().get(`/api/v1/templates/${id}`).set(as(salesOps)).expect(200);
      await sms('roles-2', 'x', {}).expect(201);
      await create({ name: 'roles-3', channel: 'sms', locale: 'ru', body: 'x' }, salesOps).expect(403);
      await create({ name: 'roles-3', channel: 'sms', locale: 'ru', body: 'x' }, TEST_ADMIN_KEY).expect(201);
      await t.http().patch(`/api/v1/templates/${id}`).set(as(salesOps)).send({ body: 'y' }).expect(403);
      await t.http().delete(`/api/v1/templates/${id}`).set(as(salesOps)).expect(403);
      await t.http().get('/api/v1/templates').expect(401);
      const client = await createClient(t.dataSource);
      await t
        .http()
        .post(`/api/v1/templates/${id}/preview`)
        .set(as(salesOps))
        .send({ clientId: client.id })
        .expect(200);
    });
  });
});
