import { ClientKind } from '@touchbase/clients';
import { Locale, StaffRole } from '@touchbase/core';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { signaturePng } from './letters-pdf';
import { portalToken } from './portal-support';

const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };

describe('Branding: the company clients see, in the portal and in messages', () => {
  let t: TestApp;
  let marketer: string;

  beforeAll(async () => {
    t = await createTestApp({ COMPANY_NAME: 'ООО «Альфа»', THROTTLE_PUBLIC_PER_MINUTE: '100000' });
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
  });
  afterAll(() => t.close());

  it('is admin-editable and validated: a name, an English name, a colour dark enough for white text', async () => {
    const before = await t.http().get('/api/v1/branding').set(admin).expect(200);
    expect(before.body).toMatchObject({
      name: 'ООО «Альфа»',
      nameEn: null,
      colour: '#1a5fb4',
      hasLogo: false,
    });

    await t
      .http()
      .patch('/api/v1/branding')
      .set({ Authorization: `Bearer ${marketer}` })
      .send({ colour: '#0b5394' })
      .expect(403);
    const light = await t.http().patch('/api/v1/branding').set(admin).send({ colour: '#ffee00' }).expect(400);
    expect(light.body.details).toEqual([
      { field: 'colour', messages: [expect.stringContaining('too light')] },
    ]);
    const bad = await t
      .http()
      .patch('/api/v1/branding')
      .set(admin)
      .send({ colour: 'red', name: '' })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['colour', 'name']);
    expect((await t.http().get('/api/v1/branding').set(admin)).body.version).toBe(before.body.version);

    const changed = await t
      .http()
      .patch('/api/v1/branding')
      .set(admin)
      .send({ nameEn: 'Alfa LLC', colour: '#0B5394' })
      .expect(200);
    expect(changed.body).toMatchObject({ name: 'ООО «Альфа»', nameEn: 'Alfa LLC', colour: '#0b5394' });

    const notImage = await t
      .http()
      .put('/api/v1/branding/logo')
      .set(admin)
      .attach('file', Buffer.from('<svg onload="alert(1)"/>'), 'logo.png')
      .expect(415);
    expect(notImage.body.error).toBe('unsupported_media_type');
    const logo = await t
      .http()
      .put('/api/v1/branding/logo')
      .set(admin)
      .attach('file', signaturePng(120, 40), 'logo.png')
      .expect(200);
    expect(logo.body.hasLogo).toBe(true);
  });

  it("shows the company's name, logo and colour in the portal's header, in the page's language", async () => {
    const branding = (await t.http().get('/api/v1/branding').set(admin)).body;
    const client = await createClient(t.dataSource, {
      kind: ClientKind.Person,
      name: 'Иванова Мария Сергеевна',
    });
    const token = portalToken(t, client.id);
    const header = (html: string) => /<header class="top">([\s\S]*?)<\/header>/.exec(html)![1];

    const ru = await t.http().get(`/portal/${token}?lang=ru`).expect(200);
    expect(header(ru.text)).toContain('<span>ООО «Альфа»</span>');
    expect(header(ru.text)).toContain(`<img class="logo" src="/portal/assets/logo?v=${branding.version}"`);
    expect(ru.text).not.toMatch(/touchbase/i);
    expect(ru.text).toContain(`/portal/assets/brand.css?v=${branding.version}`);
    const en = await t.http().get(`/portal/${token}?lang=en`).expect(200);
    expect(header(en.text)).toContain('<span>Alfa LLC</span>');
    expect(en.text).toContain('<title>');
    expect(en.text).toMatch(/<title>[^<]*Alfa LLC<\/title>/);

    const css = await t.http().get(`/portal/assets/brand.css?v=${branding.version}`).expect(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect(css.text).toContain('.top{background:#0b5394}');
    expect(css.text).toContain('.button{background:#0b5394}');
    const image = await t.http().get('/portal/assets/logo').expect(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(image.body as Buffer, signaturePng(120, 40))).toBe(0);

    // The one-click unsubscribe pages wear the same header.
    await t.http().delete('/api/v1/branding/logo').set(admin).expect(200);
    await t.http().get('/portal/assets/logo').expect(404);
    const page = await t.http().get(`/portal/${token}?lang=ru`).expect(200);
    expect(header(page.text)).not.toContain('<img');
  });

  it('names the company in English for English clients, and greets in Russian business style', async () => {
    const [template] = (
      await t.http().get('/api/v1/templates?name=ceo-letter&channel=email&locale=en').set(admin).expect(200)
    ).body.items;
    const signer = await t
      .http()
      .post('/api/v1/signers')
      .set(admin)
      .send({
        name: 'Алексей Воронцов',
        nameEn: 'Alexey Vorontsov',
        title: 'Генеральный директор',
        titleEn: 'CEO',
      })
      .expect(201);
    const english = await createClient(t.dataSource, {
      locale: Locale.En,
      kind: ClientKind.Person,
      name: 'Jane Doe',
    });
    const preview = await t
      .http()
      .post(`/api/v1/templates/${template.id}/preview`)
      .set(admin)
      .send({ clientId: english.id, signerId: signer.body.id })
      .expect(200);
    expect(preview.body.subject).toBe('A personal note from Alexey Vorontsov, Alfa LLC');
    expect(preview.body.text).toContain('Dear Jane Doe,');

    const [letter] = (
      await t.http().get('/api/v1/templates?name=ceo-letter&channel=letter&locale=ru').set(admin).expect(200)
    ).body.items;
    const render = async (fields: object) => {
      const client = await createClient(t.dataSource, fields);
      return (
        await t
          .http()
          .post(`/api/v1/templates/${letter.id}/preview`)
          .set(admin)
          .send({ clientId: client.id, signerId: signer.body.id })
          .expect(200)
      ).body.text as string;
    };
    const person = await render({ kind: ClientKind.Person, name: 'Петров Иван Сергеевич' });
    expect(person.split('\n')[0]).toBe('Уважаемый Иван Сергеевич!');
    expect(person).toContain('я генеральный директор ООО «Альфа»');
    expect(person.split('напишите мне напрямую').length - 1).toBe(1);
    const company = await render({
      kind: ClientKind.Company,
      name: 'АО «Вектор»',
      contactName: 'Соколова Елена Викторовна',
    });
    expect(company.split('\n')[0]).toBe('Уважаемая Елена Викторовна!');
    const nobody = await render({ kind: ClientKind.Company, name: 'АО «Гамма»', contactName: null });
    expect(nobody.split('\n')[0]).toBe('Уважаемые партнёры!');
  });

  it("keeps a company's contact person through the API", async () => {
    const res = await t
      .http()
      .post('/api/v1/clients')
      .set(admin)
      .send({ name: 'ООО «Дельта»', kind: 'company', contactName: ' Орлов Пётр Ильич ' })
      .expect(201);
    expect(res.body.contactName).toBe('Орлов Пётр Ильич');
    const cleared = await t
      .http()
      .patch(`/api/v1/clients/${res.body.id}`)
      .set(admin)
      .send({ contactName: '' })
      .expect(200);
    expect(cleared.body.contactName).toBeNull();
  });
});
