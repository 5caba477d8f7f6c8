import { Locale } from '@touchbase/core';
import { LinksService } from '@touchbase/links';
import { PortalLinkRequestService } from '@touchbase/portal';
import { createClient } from '../factories/client.factory';
import { SmtpSink } from '../support/smtp-sink';
import { TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import {
  consentLog,
  createPortalApp,
  expiredToken,
  explicitTopics,
  formSecrets,
  inviteToSurvey,
  PORTAL_PUBLIC_URL,
  portalToken,
  preferencesRow,
  tamper,
} from './portal-support';

describe('Client portal: JSON API, forms, link requests, survey report', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let ipSeq = 0;
  // Each test speaks from its own address, so the per-IP limits of one never touch another.
  const nextIp = () => `203.0.113.${++ipSeq}`;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createPortalApp(sink);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });
  beforeEach(() => sink.reset());

  const api = (method: 'get' | 'put' | 'post', path: string, token?: string) => {
    const req = t.http()[method](`/api/v1/portal/${path}`).set('X-Forwarded-For', nextIp());
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };

  describe('authentication', () => {
    it('reads the preferences with a valid token; 401 without one, 403 forged, 401 expired or revoked', async () => {
      const client = await createClient(t.dataSource);
      const token = portalToken(t, client.id);
      const ok = await api('get', 'preferences', token).expect(200);
      expect(ok.body).toMatchObject({
        optedOut: false,
        channels: { email: true, sms: true, call: true, letter: true },
        preferredChannel: null,
        frequency: 'unlimited',
        quietHours: null,
        locale: 'ru',
      });
      const keys = ok.body.topics.map((x: { key: string }) => x.key);
      expect(keys).toContain('promotions');
      expect(keys).not.toContain('service');
      expect(ok.body.topics.find((x: { key: string }) => x.key === 'news')).toMatchObject({
        nameRu: 'Новости компании',
        nameEn: 'Company news',
        subscribed: true,
      });

      await api('get', 'preferences').expect(401);
      const forged = await api('get', 'preferences', tamper(token)).expect(403);
      expect(forged.body).toMatchObject({ statusCode: 403, error: 'forbidden' });
      const expired = await api('get', 'preferences', expiredToken(t, client.id)).expect(401);
      expect(expired.body.details).toEqual({ reason: 'expired' });

      // Bumping the link version revokes every link issued before.
      await t.dataSource.query(`UPDATE clients SET link_version = link_version + 1 WHERE id = $1`, [
        client.id,
      ]);
      const revoked = await api('get', 'preferences', token).expect(401);
      expect(revoked.body.details).toEqual({ reason: 'revoked' });
      await api('get', 'preferences', portalToken(t, client.id, 1)).expect(200);
    });

    it('a token of the unsubscribe links is not a portal token', async () => {
      const client = await createClient(t.dataSource);
      const other = t.app.get(LinksService).unsubscribeToken({ c: client.id, v: 0, t: null });
      await api('get', 'preferences', other).expect(403);
    });
  });

  describe('preferences', () => {
    it('PUT changes exactly what was sent and writes each change to the consent log', async () => {
      const client = await createClient(t.dataSource);
      const token = portalToken(t, client.id);
      const res = await api('put', 'preferences', token)
        .set('User-Agent', 'Integrator/2.0')
        .send({
          frequency: 'monthly',
          channels: { sms: false },
          topics: { promotions: false },
          wordingVersion: 'site/7',
        })
        .expect(200);
      expect(res.body).toMatchObject({ frequency: 'monthly', channels: { email: true, sms: false } });
      expect(await preferencesRow(t, client.id)).toMatchObject({
        frequency: 'monthly',
        sms_allowed: false,
        email_allowed: true,
        opted_out: false,
      });
      expect(await explicitTopics(t, client.id)).toEqual({ promotions: false });
      const log = await consentLog(t, client.id);
      expect(log.map((r: { item: string }) => r.item).sort()).toEqual([
        'channel.sms',
        'frequency',
        'topic.promotions',
      ]);
      for (const row of log) {
        expect(row).toMatchObject({
          actor_type: 'client',
          source: 'portal',
          ip: expect.stringMatching(/^203\.0\.113\.\d+$/),
          user_agent: 'Integrator/2.0',
          wording_version: 'site/7',
        });
      }
      expect(log.find((r: { item: string }) => r.item === 'frequency')).toMatchObject({
        old_value: 'unlimited',
        new_value: 'monthly',
      });

      // The same again changes nothing and logs nothing.
      await api('put', 'preferences', token).send({ frequency: 'monthly' }).expect(200);
      expect(await consentLog(t, client.id)).toHaveLength(3);
    });

    it('refuses bad input with 400 and changes nothing', async () => {
      const client = await createClient(t.dataSource);
      const token = portalToken(t, client.id);
      const bad = await api('put', 'preferences', token).send({ frequency: 'daily' }).expect(400);
      expect(bad.body.error).toBe('validation_failed');
      const preferred = await api('put', 'preferences', token)
        .send({ channels: { sms: false }, preferredChannel: 'sms' })
        .expect(400);
      expect(preferred.body.details).toEqual([{ field: 'preferredChannel', messages: [expect.any(String)] }]);
      await api('put', 'preferences', token)
        .send({ topics: { service: false } })
        .expect(400);
      await api('put', 'preferences', token)
        .send({ topics: { nonsense: false } })
        .expect(400);
      await api('put', 'preferences', token)
        .send({ quietHours: { start: '25:00', end: '09:00' } })
        .expect(400);
      expect(await preferencesRow(t, client.id)).toMatchObject({ frequency: 'unlimited', sms_allowed: true });
      expect(await consentLog(t, client.id)).toEqual([]);
    });

    it('unsubscribe-all opts the client out, once', async () => {
      const client = await createClient(t.dataSource);
      const token = portalToken(t, client.id);
      const res = await api('post', 'unsubscribe-all', token).expect(200);
      expect(res.body.optedOut).toBe(true);
      await api('post', 'unsubscribe-all', token).expect(200);
      expect((await preferencesRow(t, client.id)).opted_out).toBe(true);
      expect(await consentLog(t, client.id)).toEqual([
        expect.objectContaining({ item: 'optedOut', old_value: false, new_value: true, source: 'portal' }),
      ]);
    });
  });

  describe('contact details', () => {
    it('GET shows them; PUT normalises, marks them verified and logs each changed field', async () => {
      const client = await createClient(t.dataSource, {
        email: 'old@example.com',
        contactFlags: ['email-invalid'],
      });
      const token = portalToken(t, client.id);
      const before = await api('get', 'contact', token).expect(200);
      expect(before.body).toMatchObject({
        email: 'old@example.com',
        phone: client.phone,
        contactVerifiedAt: null,
      });

      const res = await api('put', 'contact', token)
        .send({
          email: ' New@Example.COM ',
          phone: '8 (912) 345-67-89',
          address: { city: 'Пермь', country: 'ru' },
        })
        .expect(200);
      expect(res.body).toMatchObject({
        email: 'new@example.com',
        phone: '+79123456789',
        address: { city: 'Пермь', country: 'RU', lines: client.addressLines },
        contactVerifiedAt: expect.any(String),
      });
      const [row] = await t.dataSource.query(
        `SELECT email, phone, address_city, contact_verified_at, contact_flags FROM clients WHERE id = $1`,
        [client.id],
      );
      expect(row).toMatchObject({ email: 'new@example.com', phone: '+79123456789', address_city: 'Пермь' });
      expect(row.contact_verified_at).toBeInstanceOf(Date);
      expect(row.contact_flags).toEqual([]);
      const log = await consentLog(t, client.id);
      expect(log.map((r: { item: string }) => r.item)).toEqual([
        'contact.email',
        'contact.phone',
        'contact.address',
      ]);
      expect(log[0]).toMatchObject({
        old_value: 'old@example.com',
        new_value: 'new@example.com',
        source: 'portal',
      });

      // Saving unchanged details confirms them again, without a log row.
      await api('put', 'contact', token).send({}).expect(200);
      expect(await consentLog(t, client.id)).toHaveLength(3);
    });

    it('refuses an invalid email, phone or country with 400, all at once', async () => {
      const client = await createClient(t.dataSource);
      const token = portalToken(t, client.id);
      const res = await api('put', 'contact', token)
        .send({ email: 'not-an-email', phone: '12', address: { country: 'Atlantis' } })
        .expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([
        'email',
        'phone',
        'address.country',
      ]);
      const [row] = await t.dataSource.query(`SELECT email, contact_verified_at FROM clients WHERE id = $1`, [
        client.id,
      ]);
      expect(row).toEqual({ email: client.email, contact_verified_at: null });
    });
  });

  describe('survey', () => {
    it('is offered only after a survey campaign reached the client; answers are stored per client and run', async () => {
      const client = await createClient(t.dataSource);
      const token = portalToken(t, client.id);
      expect((await api('get', 'survey', token).expect(200)).body).toEqual({
        invited: false,
        runId: null,
        answered: false,
        valued: '',
        improve: '',
        rating: null,
      });
      await api('post', 'survey', token).send({ valued: 'Скорость' }).expect(404);

      const runId = await inviteToSurvey(t, [client.id]);
      expect((await api('get', 'survey', token).expect(200)).body).toMatchObject({
        invited: true,
        runId,
        answered: false,
      });
      await api('post', 'survey', token).send({ rating: 11 }).expect(400);
      await api('post', 'survey', token).send({}).expect(400);
      const saved = await api('post', 'survey', token)
        .send({ valued: ' Скорость доставки ', improve: 'Сайт', rating: 9 })
        .expect(200);
      expect(saved.body).toEqual({
        invited: true,
        runId,
        answered: true,
        valued: 'Скорость доставки',
        improve: 'Сайт',
        rating: 9,
      });
      // A revision replaces the answer to the same run.
      await api('post', 'survey', token).send({ valued: 'Скорость', rating: null }).expect(200);
      const rows = await t.dataSource.query(
        `SELECT client_id, run_id, valued, improve, rating, locale FROM survey_answers WHERE client_id = $1`,
        [client.id],
      );
      expect(rows).toEqual([
        { client_id: client.id, run_id: runId, valued: 'Скорость', improve: '', rating: null, locale: 'ru' },
      ]);
    });

    it('the report sums ratings (distribution, NPS-style split) and lists answers; filters; CSV', async () => {
      await t.dataSource.query(`DELETE FROM survey_answers`);
      const clients = await Promise.all([1, 2, 3, 4, 5].map(() => createClient(t.dataSource)));
      const [a, b, c, d, e] = clients;
      const spring = await inviteToSurvey(t, [a.id, b.id, c.id]);
      const autumn = await inviteToSurvey(t, [d.id, e.id]);
      const answer = async (clientId: string, body: object) =>
        api('post', 'survey', portalToken(t, clientId)).send(body).expect(200);
      await answer(a.id, { valued: 'Цены', rating: 10 });
      await answer(b.id, { valued: 'Люди', improve: '=HYPERLINK("x")', rating: 9 });
      await answer(c.id, { improve: 'Доставка, "быстрее"', rating: 3 });
      await answer(d.id, { valued: 'Всё', rating: 7 });
      await answer(e.id, { improve: 'Ничего' });
      // Answered long ago: outside a period filter.
      await t.dataSource.query(
        `UPDATE survey_answers SET created_at = '2020-01-15T10:00:00Z' WHERE client_id = $1`,
        [e.id],
      );

      const admin = () =>
        t.http().get('/api/v1/reports/survey').set('Authorization', `Bearer ${TEST_ADMIN_KEY}`);
      const all = (await admin().expect(200)).body;
      // Ratings 10, 9, 3, 7 (one answer without): mean 29/4 = 7.25; promoters 2 (9–10), passives 1 (7–8),
      // detractors 1 (0–6): NPS = (2 − 1) / 4 = 25 %.
      expect(all.responses).toBe(5);
      expect(all.ratings).toEqual({
        rated: 4,
        average: 7.25,
        distribution: [0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1].map((count, rating) => ({ rating, count })),
        promoters: 2,
        passives: 1,
        detractors: 1,
        nps: 25,
      });
      expect(all.answers).toHaveLength(5);
      expect(all.answers.at(-1)).toMatchObject({
        clientId: e.id,
        rating: null,
        improve: 'Ничего',
        runId: autumn,
      });

      const springOnly = (await admin().query({ runId: spring }).expect(200)).body;
      expect(springOnly.responses).toBe(3);
      // 10, 9 promoters; 3 detractor: (2 − 1) / 3 = 33 %.
      expect(springOnly.ratings).toMatchObject({
        rated: 3,
        average: 7.33,
        promoters: 2,
        detractors: 1,
        nps: 33,
      });

      const period = (await admin().query({ from: '2020-01-01', to: '2020-02-01' }).expect(200)).body;
      expect(period.responses).toBe(1);
      expect(period.ratings).toMatchObject({ rated: 0, average: null, nps: null });

      const csv = await admin().query({ runId: spring, format: 'csv' }).expect(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      const lines = csv.text
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines[0]).toBe(
        'answered_at,client_id,external_ref,client_name,campaign,run_id,period,rating,valued,improve,locale',
      );
      expect(lines).toHaveLength(4);
      const byClient = (id: string) => lines.find((l) => l.includes(id))!;
      expect(byClient(c.id)).toContain(`,3,,"Доставка, ""быстрее""",ru`);
      expect(byClient(b.id)).toContain(`,9,Люди,"'=HYPERLINK(""x"")",ru`);
      const viaAccept = await admin().query({ runId: spring }).set('Accept', 'text/csv').expect(200);
      expect(viaAccept.text).toBe(csv.text);

      await admin().query({ from: 'yesterday' }).expect(400);
      await t.http().get('/api/v1/reports/survey').expect(401);
    });
  });

  describe('link requests', () => {
    const request = (address: string, ip: string) =>
      t.http().post('/api/v1/portal/link-request').set('X-Forwarded-For', ip).send({ address });

    it('answers the same for known and unknown addresses; a known one gets a working link by email', async () => {
      const client = await createClient(t.dataSource, {
        email: `known-${Date.now()}@example.com`,
        locale: Locale.En,
      });
      const known = await request(client.email!.toUpperCase(), nextIp());
      const unknown = await request(`nobody-${Date.now()}@example.com`, nextIp());
      const knownPhone = await request(client.phone!, nextIp());
      for (const res of [known, unknown, knownPhone]) {
        expect(res.status).toBe(202);
        expect(res.body).toEqual({
          message: 'If the address is known, a new link is on its way to the email address on file.',
        });
        expect(Object.keys(res.headers).sort()).toEqual(Object.keys(known.headers).sort());
      }
      await t.app.get(PortalLinkRequestService).idle();
      const mails = sink.to(client.email!);
      expect(mails).toHaveLength(2);
      expect(sink.messages).toHaveLength(2);
      expect(mails[0].subject).toBe('The link to your message preferences');
      const url = new RegExp(`${PORTAL_PUBLIC_URL}/portal/([\\w-]+\\.[\\w-]+)\\?lang=en`).exec(
        mails[0].text,
      )![1];
      expect(mails[0].html).toContain(`${PORTAL_PUBLIC_URL}/portal/${url}`);
      await t.http().get(`/portal/${url}?lang=en`).expect(200);
      await api('get', 'preferences', url).expect(200);
    });

    it('is limited per address (known or not, same answer) and per IP', async () => {
      const client = await createClient(t.dataSource);
      const unknown = `ghost-${Date.now()}@example.com`;
      for (let i = 0; i < 3; i++) {
        await request(client.email!, nextIp()).expect(202);
        await request(unknown, nextIp()).expect(202);
      }
      const knownLimited = await request(client.email!, nextIp()).expect(429);
      const unknownLimited = await request(unknown, nextIp()).expect(429);
      expect(knownLimited.body).toEqual(unknownLimited.body);

      const ip = nextIp();
      for (let i = 0; i < 5; i++) await request(`someone-${i}-${Date.now()}@example.com`, ip).expect(202);
      await request(`someone-else-${Date.now()}@example.com`, ip).expect(429);
      await t.app.get(PortalLinkRequestService).idle();
      expect(sink.to(client.email!)).toHaveLength(3);
    });

    it('refuses what is neither an email nor a phone with 400', async () => {
      const res = await request('hello', nextIp()).expect(400);
      expect(res.body.details).toEqual([{ field: 'address', messages: [expect.any(String)] }]);
    });
  });

  it('documents the JSON API for integrators in OpenAPI, with the portal token scheme', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    expect(doc.components.securitySchemes['portal-token']).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, method] of [
      ['/api/v1/portal/preferences', 'get'],
      ['/api/v1/portal/preferences', 'put'],
      ['/api/v1/portal/contact', 'get'],
      ['/api/v1/portal/contact', 'put'],
      ['/api/v1/portal/unsubscribe-all', 'post'],
      ['/api/v1/portal/survey', 'get'],
      ['/api/v1/portal/survey', 'post'],
    ]) {
      expect(doc.paths[path][method].security).toEqual([{ 'portal-token': [] }]);
    }
    expect(doc.paths['/api/v1/portal/link-request'].post.responses['202']).toBeDefined();
    expect(doc.paths['/api/v1/reports/survey'].get.security).toEqual([{ 'api-key': [] }, { session: [] }]);
  });

  describe('pages and forms', () => {
    it('serves pages with a strict CSP, no caching and a CSRF cookie', async () => {
      const client = await createClient(t.dataSource);
      const res = await t
        .http()
        .get(`/portal/${portalToken(t, client.id)}`)
        .expect(200);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['set-cookie'][0]).toMatch(
        /^tb_portal_csrf=[\w-]{43}; Path=\/portal; HttpOnly; SameSite=Lax$/,
      );
      expect(res.text).toContain('<html lang="ru">');
      await t
        .http()
        .get('/portal/assets/portal.css')
        .expect(200)
        .expect('Content-Type', /text\/css/);
    });

    it('rejects a form post without the right CSRF token (403) and changes nothing', async () => {
      const client = await createClient(t.dataSource);
      const other = await createClient(t.dataSource);
      const token = portalToken(t, client.id);
      const page = await t.http().get(`/portal/${token}?lang=en`).expect(200);
      const { cookie, csrf } = formSecrets(page);
      const form = { frequency: 'monthly', channels: ['email'], preferredChannel: '', locale: 'ru' };
      const post = (body: object, withCookie = true) => {
        const req = t.http().post(`/portal/${token}/preferences?lang=en`).type('form');
        return (withCookie ? req.set('Cookie', cookie) : req).send(body);
      };

      const missing = await post(form).expect(403);
      expect(missing.text).toContain('This page was out of date');
      await post({ ...form, _csrf: csrf }, false).expect(403);
      await post({ ...form, _csrf: tamper(csrf) }).expect(403);
      // A token handed out for another client's link does not work here.
      const otherPage = await t
        .http()
        .get(`/portal/${portalToken(t, other.id)}`)
        .set('Cookie', cookie)
        .expect(200);
      expect(otherPage.headers['set-cookie']).toBeUndefined();
      const foreign = /name="_csrf" value="([^"]+)"/.exec(otherPage.text)![1];
      expect(foreign).not.toBe(csrf);
      await post({ ...form, _csrf: foreign }).expect(403);
      expect(await consentLog(t, client.id)).toEqual([]);

      const ok = await post({ ...form, _csrf: csrf }).expect(303);
      expect(ok.headers.location).toBe(`/portal/${token}?lang=en&saved=preferences#preferences`);
      expect(await preferencesRow(t, client.id)).toMatchObject({ frequency: 'monthly', sms_allowed: false });
      const done = await t.http().get(ok.headers.location).set('Cookie', cookie).expect(200);
      expect(done.text).toContain('Done: your preferences are saved.');
    });

    it('shows form errors in the page’s language, keeps what was typed, and saves nothing', async () => {
      const client = await createClient(t.dataSource);
      const token = portalToken(t, client.id);
      const { cookie, csrf } = formSecrets(await t.http().get(`/portal/${token}`).expect(200));
      const res = await t
        .http()
        .post(`/portal/${token}/contact?lang=ru`)
        .type('form')
        .set('Cookie', cookie)
        .send({ _csrf: csrf, email: 'плохой адрес', phone: client.phone!, country: 'RU' })
        .expect(400);
      expect(res.text).toContain('Похоже, в адресе почты ошибка.');
      expect(res.text).toContain('value="плохой адрес"');
      expect(res.text).toContain('aria-invalid="true"');
      const [row] = await t.dataSource.query(`SELECT contact_verified_at FROM clients WHERE id = $1`, [
        client.id,
      ]);
      expect(row.contact_verified_at).toBeNull();
    });

    it('a forged link gets a 403 page, an expired one the new-link form', async () => {
      const client = await createClient(t.dataSource);
      const forged = await t
        .http()
        .get(`/portal/${tamper(portalToken(t, client.id))}?lang=en`)
        .expect(403);
      expect(forged.text).toContain('This link is not valid');
      const expired = await t
        .http()
        .get(`/portal/${expiredToken(t, client.id)}?lang=ru`)
        .expect(410);
      expect(expired.text).toContain('Срок действия ссылки истёк');
      expect(expired.text).toContain('<form method="post" action="/portal/link?lang=ru"');

      const { cookie, csrf } = formSecrets(expired);
      const sent = await t
        .http()
        .post('/portal/link?lang=ru')
        .type('form')
        .set('Cookie', cookie)
        .set('X-Forwarded-For', nextIp())
        .send({ _csrf: csrf, address: client.email! })
        .expect(200);
      expect(sent.text).toContain('Проверьте почту');
      await t.app.get(PortalLinkRequestService).idle();
      expect(sink.to(client.email!)).toHaveLength(1);
      expect(sink.to(client.email!)[0].subject).toBe('Ссылка на ваши настройки рассылок');

      // The form says the same when the address has had its share, known or not.
      for (const address of [client.email!, `nobody-${Date.now()}@example.com`]) {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) {
          const res = await t
            .http()
            .post('/portal/link?lang=en')
            .type('form')
            .set('Cookie', cookie)
            .set('X-Forwarded-For', nextIp())
            .send({ _csrf: csrf, address });
          statuses.push(res.status);
          if (res.status === 429) expect(res.text).toContain('Too many requests for this address.');
        }
        expect(statuses.slice(-1)).toEqual([429]);
      }
    });
  });
});
