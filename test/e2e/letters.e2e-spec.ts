import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { Response } from 'superagent';
import { Campaign, CampaignKind } from '@touchbase/campaigns';
import { Client, ClientKind } from '@touchbase/clients';
import { AppConfig } from '@touchbase/config';
import { Channel, Locale, StaffRole } from '@touchbase/core';
import { DispatcherService } from '@touchbase/dispatch';
import { LetterBatchBuilderService, LetterBatchDto, LetterHandler } from '@touchbase/letters';
import { ShortLinksService } from '@touchbase/links';
import { PlannerService } from '@touchbase/planning';
import { SignersService } from '@touchbase/templates';
import { createRun } from '../factories/run.factory';
import { createTouch } from '../factories/delivery.factory';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { ApiModule } from '../../apps/api/src/api.module';
import { cancelHalfway } from '../support/run-cancel';
import { createTestApp, TestApp } from '../support/test-app';
import { createTaggedCampaign, dispatchAll } from './calls-support';
import { createCeoSigner, imageXObjects, pdfPages } from './letters-pdf';

type ClientSpec = Partial<Client> & { name: string };

const COMPANY = {
  COMPANY_NAME: 'ООО «Тачбейс»',
  COMPANY_NAME_EN: 'Touchbase LLC',
  COMPANY_ADDRESS: '125009, Москва, ул. Тверская, д. 1',
  COMPANY_PHONE: '+7 495 123-45-67',
  COMPANY_WEBSITE: 'https://touchbase.example',
};

// supertest keeps a PDF body as a Buffer only when told how.
function binary(res: Response, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('Letter batches', () => {
  let t: TestApp;
  let lettersDir: string;
  let salesOps: string;
  let marketer: string;
  let signerId: string;
  let seq = 0;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    lettersDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-letters-'));
    t = await createTestApp(
      { DISPATCH_CHANNELS: 'call,letter', DISPATCH_BATCH_SIZE: '2', LETTERS_DIR: lettersDir, ...COMPANY },
      { withWorker: true },
    );
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
    signerId = await createCeoSigner(t.app);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(lettersDir, { recursive: true, force: true });
  });

  async function planLetters(
    specs: ClientSpec[],
    campaign: Partial<Campaign> = {},
    at = new Date(Date.now() - 60_000),
  ): Promise<{ campaign: Campaign; runId: string; clients: Client[] }> {
    seq += 1;
    const tag = `letters-${seq}`;
    const clients: Client[] = [];
    for (const spec of specs) clients.push(await createClient(t.dataSource, { tags: [tag], ...spec }));
    const created = await createTaggedCampaign(t, tag, {
      name: `Письмо руководителя, IV квартал ${seq}`,
      kind: CampaignKind.CeoLetter,
      topicKey: 'company-letters',
      channels: [Channel.Letter],
      templates: { letter: 'ceo-letter' },
      signerId,
      ...campaign,
    });
    const run = await createRun(t.dataSource, created, at, `2026-Q4-${seq}`);
    await t.app.get(PlannerService).plan(run.id, { now: at });
    return { campaign: created, runId: run.id, clients };
  }

  /** Dispatches the letters (several claims at once, like several workers) and waits for the batch. */
  async function dispatchAndBuild(runId: string): Promise<LetterBatchDto[]> {
    const dispatcher = t.app.get(DispatcherService);
    await Promise.all([1, 2, 3].map(() => dispatcher.dispatchOnce(Channel.Letter)));
    await dispatchAll(t, Channel.Letter);
    const deadline = Date.now() + 30_000;
    for (;;) {
      await t.app.get(LetterBatchBuilderService).idle();
      const res = await t.http().get('/api/v1/letter-batches').query({ runId }).set(as(salesOps)).expect(200);
      const items = res.body.items as LetterBatchDto[];
      if (items.length > 0 && items.every((b) => b.status !== 'building')) return items;
      if (Date.now() > deadline)
        throw new Error(`Letter batches of run ${runId} not built: ${JSON.stringify(items)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function download(batchId: string, key = salesOps): Promise<Response & { body: Buffer }> {
    return (await t
      .http()
      .get(`/api/v1/letter-batches/${batchId}/pdf`)
      .set(as(key))
      .buffer(true)
      .parse(binary)) as Response & { body: Buffer };
  }

  describe('a run with letters from several claims', () => {
    const specs: ClientSpec[] = [
      { name: 'ООО «Альфа»', addressRecipient: 'ООО «Альфа»', addressLines: ['ул. Ленина, д. 5, офис 12'] },
      {
        name: 'АО «Вектор»',
        contactName: 'Соколова Елена Викторовна',
        addressRecipient: 'АО «Вектор»',
        addressLines: ['пр. Мира, д. 7'],
        addressPostalCode: '620075',
      },
      {
        name: 'ИП Сидоров',
        addressRecipient: 'ИП Сидоров П. А.',
        addressLines: ['Невский пр., д. 36'],
        addressPostalCode: '191186',
        addressCity: 'Санкт-Петербург',
        addressRegion: 'Санкт-Петербург',
      },
      {
        name: 'Иванова Мария Сергеевна',
        kind: ClientKind.Person,
        addressRecipient: 'Ивановой Марии Сергеевне',
        addressLines: ['ул. Белинского, д. 9, кв. 4'],
        addressPostalCode: '620026',
      },
      {
        name: 'Jane Doe',
        kind: ClientKind.Person,
        locale: Locale.En,
        addressRecipient: 'Jane Doe',
        addressLines: ['Hauptstraße 5'],
        addressPostalCode: '10115',
        addressCity: 'Berlin',
        addressRegion: null,
        addressCountry: 'DE',
        timeZone: 'Europe/Berlin',
      },
    ];
    let planned: Awaited<ReturnType<typeof planLetters>>;
    let batch: LetterBatchDto;

    beforeAll(async () => {
      planned = await planLetters(specs);
      const batches = await dispatchAndBuild(planned.runId);
      // The planner may mark a run completed when the dispatchers took its deliveries before it counted
      // them (a planning race, reported); the run is where a correct planner leaves it.
      await t.dataSource.query(`UPDATE runs SET status = 'dispatching', completed_at = NULL WHERE id = $1`, [
        planned.runId,
      ]);
      expect(batches).toHaveLength(1);
      batch = batches[0];
    });

    it('makes ONE ready batch whose PDF has every letter from a page of its own', async () => {
      expect(batch).toMatchObject({
        unsignedLetters: 0,
        warnings: [],
        runId: planned.runId,
        campaignId: planned.campaign.id,
        campaignName: planned.campaign.name,
        status: 'ready',
        letters: 5,
        message: null,
        fileName: `letters-pismo-rukovoditelya-iv-kvartal-${seq}-2026-Q4-${seq}.pdf`,
      });
      expect(batch.pages).toBeGreaterThanOrEqual(5);
      const deliveries = await t.dataSource.query(
        `SELECT status, letter_batch_id, locked_until, meta FROM deliveries WHERE run_id = $1`,
        [planned.runId],
      );
      expect(deliveries).toHaveLength(5);
      for (const d of deliveries) {
        expect(d).toMatchObject({ status: 'sending', letter_batch_id: batch.id, locked_until: null });
        expect(d.meta.letter.text).toMatch(/С уважением,|Yours sincerely,/);
      }
      // One file, nothing half-written left beside it.
      expect(fs.readdirSync(lettersDir).filter((f) => f.includes(`-${seq}-2026-Q4-${seq}`))).toEqual([
        expect.stringMatching(/\.pdf$/),
      ]);

      const res = await download(batch.id, marketer);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${batch.fileName}"`);
      expect(res.body.length).toBe(batch.fileBytes);
      expect(res.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');

      const pages = await pdfPages(res.body);
      expect(pages).toHaveLength(batch.pages);
      const owners = pages.map((text) => planned.clients.filter((c) => text.includes(c.addressRecipient!)));
      // Every page belongs to exactly one letter; letters never share a page.
      expect(owners.every((o) => o.length === 1)).toBe(true);
      for (const client of planned.clients) {
        const own = owners.map((o, i) => (o[0].id === client.id ? i : -1)).filter((i) => i >= 0);
        expect(own.length).toBeGreaterThanOrEqual(1);
        expect(own).toEqual(Array.from({ length: own.length }, (_, k) => own[0] + k)); // consecutive
        const first = pages[own[0]];
        expect(first).toContain(client.addressLines[0]);
        expect(first).toContain(`${client.addressPostalCode} ${client.addressCity}`);
        // The sender in the letter's language: the English name on English letters.
        expect(first).toContain(client.locale === Locale.En ? 'Touchbase LLC' : 'ООО «Тачбейс»');
        if (client.locale === Locale.En) expect(first).not.toContain('Тачбейс');
        expect(first).toContain(`${client.locale === Locale.En ? 'Phone' : 'Тел.'} +7 495 123-45-67`);
        const letter = own.map((i) => pages[i]).join('\n');
        if (client.locale === Locale.En) {
          expect(first).toContain('GERMANY');
          expect(letter).toContain('Dear Jane Doe,');
          expect(letter).toContain('Yours sincerely,');
          // The English name and title, in the text and under the signature; the Russian ones nowhere.
          expect(letter.split('Ivan Petrov').length - 1).toBe(2);
          expect(letter).not.toContain('Иван Петров');
          expect(letter.split('Chief Executive Officer').length - 1).toBe(2);
          expect(letter).not.toContain('директор');
        } else {
          if (client.addressCity === 'Санкт-Петербург') {
            // A federal city is its own region: printed once.
            expect(first.split('Санкт-Петербург').length - 1).toBe(1);
          } else expect(first).toContain('Свердловская область');
          expect(first).toMatch(/\d{1,2} [а-я]+ \d{4} г\./); // the date, in Russian
          const greetings: Record<string, string> = {
            'Иванова Мария Сергеевна': 'Уважаемая Мария Сергеевна!',
            'АО «Вектор»': 'Уважаемая Елена Викторовна!',
          };
          expect(letter).toContain(greetings[client.name] ?? 'Уважаемые партнёры!');
          expect(letter).not.toContain(
            client.name === 'Иванова Мария Сергеевна' ? 'Здравствуйте' : 'Иванова',
          );
          // The default letter invites a reply once.
          expect(letter.split('напишите мне напрямую').length - 1).toBe(1);
          expect(letter).toContain('С уважением,');
          expect(letter.split('Иван Петров').length - 1).toBe(2);
          expect(letter).not.toContain('Ivan Petrov');
          expect(letter.split('генеральный директор').length - 1).toBe(2);
          expect(letter).not.toContain('Chief Executive Officer');
        }
      }
      // The signer's signature image is in the file, once.
      expect(imageXObjects(res.body)).toBe(1);
    });

    it('prints a short portal link (and its QR code) instead of the long token URL; the link leads to the portal and counts', async () => {
      const publicUrl = t.app.get(AppConfig).http.publicUrl;
      const short = new RegExp(`${publicUrl.replace(/[.:/]/g, '\\$&')}/r/([0-9A-Za-z]{10})`);
      const pages = await pdfPages((await download(batch.id)).body);
      const deliveries: {
        id: string;
        client_id: string;
        meta: { letter: { portalLink: string; text: string } };
      }[] = await t.dataSource.query(`SELECT id::text, client_id, meta FROM deliveries WHERE run_id = $1`, [
        planned.runId,
      ]);
      // Read and typed in days later (a click seconds after the letter was made would be a scanner's).
      await t.dataSource.query(
        `UPDATE delivery_links SET created_at = created_at - interval '2 days'
          WHERE delivery_id IN (SELECT id FROM deliveries WHERE run_id = $1)`,
        [planned.runId],
      );
      await t.dataSource.query(
        `UPDATE deliveries SET sent_at = sent_at - interval '2 days' WHERE run_id = $1 AND sent_at IS NOT NULL`,
        [planned.runId],
      );
      for (const d of deliveries) {
        const client = planned.clients.find((c) => c.id === d.client_id)!;
        const link = d.meta.letter.portalLink;
        expect(link).toMatch(short);
        // The text keeps no long link: the portal's is the short one.
        expect(d.meta.letter.text).toContain(link);
        expect(d.meta.letter.text).not.toContain('/portal/');
        const letter = pages.filter((p) => p.includes(client.addressRecipient!)).join('\n');
        expect(letter).toContain(link);
        expect(letter).not.toContain('/portal/');
        expect(letter).toContain(client.locale === Locale.En ? 'Your personal page' : 'Ваш личный кабинет');

        const code = short.exec(link)![1];
        const redirect = await t.http().get(`/r/${code}`).redirects(0).expect(302);
        const target = new URL(redirect.headers.location as string);
        expect(target.pathname).toMatch(/^\/portal\/./);
        const portal = await t
          .http()
          .get(target.pathname + target.search)
          .expect(200);
        expect(portal.text).toContain(client.locale === Locale.En ? 'lang="en"' : 'lang="ru"');
      }
      // The letters' links are saved like an email's, and clicks on them count.
      await t.app.get(ShortLinksService).flushClicks();
      const rows = await t.dataSource.query(
        `SELECT l.clicks, l.tracked FROM delivery_links l JOIN deliveries d ON d.id = l.delivery_id
          WHERE d.run_id = $1`,
        [planned.runId],
      );
      expect(rows).toHaveLength(deliveries.length);
      for (const r of rows) expect(r).toEqual({ clicks: 1, tracked: true });
    });

    it('refuses returned mail before the batch is mailed, and marketers may not mark it mailed', async () => {
      const [d] = await t.dataSource.query(`SELECT id::text FROM deliveries WHERE run_id = $1 LIMIT 1`, [
        planned.runId,
      ]);
      await t.http().post(`/api/v1/deliveries/${d.id}/returned`).set(as(salesOps)).send({}).expect(409);
      await t.http().post(`/api/v1/letter-batches/${batch.id}/mailed`).set(as(marketer)).expect(403);
      const [run] = await t.dataSource.query(`SELECT status FROM runs WHERE id = $1`, [planned.runId]);
      expect(run.status).toBe('dispatching');
    });

    it('mailed: every letter is sent (a touch), the run completes; a second time is a 409', async () => {
      const res = await t
        .http()
        .post(`/api/v1/letter-batches/${batch.id}/mailed`)
        .set(as(salesOps))
        .expect(200);
      expect(res.body).toMatchObject({ id: batch.id, status: 'mailed', letters: 5 });
      expect(res.body.mailedAt).toBeTruthy();
      expect(res.body.mailedBy).toBeTruthy();
      const rows = await t.dataSource.query(
        `SELECT d.status, d.sent_at, c.last_touch_at FROM deliveries d JOIN clients c ON c.id = d.client_id WHERE d.run_id = $1`,
        [planned.runId],
      );
      for (const r of rows) {
        expect(r.status).toBe('sent');
        expect(r.sent_at).not.toBeNull();
        expect(r.last_touch_at).not.toBeNull();
      }
      const [run] = await t.dataSource.query(`SELECT status FROM runs WHERE id = $1`, [planned.runId]);
      expect(run.status).toBe('completed');

      const again = await t
        .http()
        .post(`/api/v1/letter-batches/${batch.id}/mailed`)
        .set(as(salesOps))
        .expect(409);
      expect(again.body.message).toMatch(/already/);
      expect((await download(batch.id)).status).toBe(200);
    });

    it('returned mail flags the address for verification, once, and no letter goes there again', async () => {
      const client = planned.clients[0];
      const [d] = await t.dataSource.query(
        `SELECT id::text FROM deliveries WHERE run_id = $1 AND client_id = $2`,
        [planned.runId, client.id],
      );
      await t.http().post(`/api/v1/deliveries/${d.id}/returned`).set(as(marketer)).send({}).expect(403);
      const res = await t
        .http()
        .post(`/api/v1/deliveries/${d.id}/returned`)
        .set(as(salesOps))
        .send({ note: 'Адресат выбыл' })
        .expect(200);
      expect(res.body).toMatchObject({ deliveryId: d.id, clientId: client.id, note: 'Адресат выбыл' });
      expect(res.body.contactFlags).toContain('address-returned');
      const [row] = await t.dataSource.query(`SELECT meta FROM deliveries WHERE id = $1`, [d.id]);
      expect(row.meta.returned).toMatchObject({ note: 'Адресат выбыл', at: res.body.returnedAt });
      const repeat = await t
        .http()
        .post(`/api/v1/deliveries/${d.id}/returned`)
        .set(as(salesOps))
        .send({})
        .expect(200);
      expect(repeat.body.returnedAt).toBe(res.body.returnedAt);
      const shown = await t.http().get(`/api/v1/clients/${client.id}`).set(as(salesOps)).expect(200);
      expect(shown.body.contactFlags).toContain('address-returned');

      const next = await createRun(t.dataSource, planned.campaign, new Date(), `2027-Q1-${seq}`);
      await t.app.get(PlannerService).plan(next.id);
      const [planned2] = await t.dataSource.query(
        `SELECT status, reason FROM deliveries WHERE run_id = $1 AND client_id = $2`,
        [next.id, client.id],
      );
      expect(planned2).toEqual({ status: 'suppressed', reason: 'no-contact-data' });
    });

    it("lists the batch's letters with their returns, page by page", async () => {
      const returned = planned.clients[0];
      const res = await t
        .http()
        .get(`/api/v1/letter-batches/${batch.id}/letters`)
        .set(as(marketer))
        .expect(200);
      const items = res.body.items as {
        deliveryId: string;
        clientId: string;
        clientName: string;
        status: string;
        returned: { note: string | null } | null;
        contactFlags: string[];
      }[];
      expect(items).toHaveLength(5);
      expect(res.body.nextCursor).toBeNull();
      const ids = await t.dataSource.query(
        `SELECT id::text FROM deliveries WHERE letter_batch_id = $1 ORDER BY id`,
        [batch.id],
      );
      expect(items.map((l) => l.deliveryId)).toEqual(ids.map((r: { id: string }) => r.id));
      for (const letter of items) {
        const client = planned.clients.find((c) => c.id === letter.clientId)!;
        expect(letter).toMatchObject({ clientName: client.name, status: 'sent' });
        if (client.id === returned.id) {
          expect(letter.returned).toMatchObject({ note: 'Адресат выбыл' });
          expect(letter.contactFlags).toContain('address-returned');
        } else {
          expect(letter.returned).toBeNull();
        }
      }
      const first = await t
        .http()
        .get(`/api/v1/letter-batches/${batch.id}/letters`)
        .query({ limit: 3 })
        .set(as(salesOps))
        .expect(200);
      expect(first.body.items).toHaveLength(3);
      const rest = await t
        .http()
        .get(`/api/v1/letter-batches/${batch.id}/letters`)
        .query({ limit: 3, cursor: first.body.nextCursor })
        .set(as(salesOps))
        .expect(200);
      expect(
        [...first.body.items, ...rest.body.items].map((l: { deliveryId: string }) => l.deliveryId),
      ).toEqual(items.map((l) => l.deliveryId));
      expect(rest.body.nextCursor).toBeNull();
      await t
        .http()
        .get(`/api/v1/letter-batches/${batch.id}/letters`)
        .query({ cursor: 'nonsense' })
        .set(as(salesOps))
        .expect(400);
      await t
        .http()
        .get('/api/v1/letter-batches/00000000-0000-4000-8000-000000000000/letters')
        .set(as(salesOps))
        .expect(404);
    });
  });

  it('two worker processes dispatching one run make one batch and one PDF with every letter once', async () => {
    // A second application on the same database: its own pool, dispatcher and batch builder.
    const other = await NestFactory.create(
      ApiModule.register({ env: t.env, databaseUrl: t.db.url, withWorker: true }),
      {
        logger: false,
      },
    );
    await other.init();
    try {
      const names = ['Дельта', 'Омега', 'Сигма', 'Каппа', 'Лямбда', 'Эпсилон', 'Зета'];
      // Due a moment from now, so that both workers are claiming when the letters fall due.
      const due = new Date(Date.now() + 2_000);
      const planned = await planLetters(
        names.map((n) => ({ name: `ООО «${n}»`, addressRecipient: `ООО «${n}»` })),
        {},
        due,
      );
      const handlers = [t.app.get(LetterHandler), other.get(LetterHandler)].map((h) =>
        jest.spyOn(h, 'dispatch'),
      );
      await new Promise((r) => setTimeout(r, due.getTime() - Date.now()));
      const drain = async (d: DispatcherService) => {
        for (let idle = 0; idle < 20;) idle = (await d.dispatchOnce(Channel.Letter)) > 0 ? 0 : idle + 1;
      };
      await Promise.all([drain(t.app.get(DispatcherService)), drain(other.get(DispatcherService))]);
      // Both workers handed letters over.
      for (const spy of handlers) expect(spy).toHaveBeenCalled();
      handlers.forEach((spy) => spy.mockRestore());
      await other.get(LetterBatchBuilderService).idle();
      const batches = await dispatchAndBuild(planned.runId);
      expect(batches).toHaveLength(1);
      expect(batches[0]).toMatchObject({ status: 'ready', letters: names.length });
      const pages = await pdfPages((await download(batches[0].id)).body);
      expect(pages).toHaveLength(batches[0].pages);
      for (const client of planned.clients) {
        expect(pages.filter((p) => p.includes(client.addressRecipient!)).length).toBeGreaterThanOrEqual(1);
      }
      expect(pages.filter((p) => p.includes('Уважаемые партнёры!'))).toHaveLength(names.length);
    } finally {
      await other.close();
    }
  });

  it('builds no PDF while the run is still planning; the sweep builds it once planning is over', async () => {
    const due = new Date(Date.now() + 1_000);
    const planned = await planLetters([{ name: 'ООО «Йота»', addressRecipient: 'ООО «Йота»' }], {}, due);
    // As if the planner were still writing the run's later chunks.
    await t.dataSource.query(`UPDATE runs SET status = 'planning' WHERE id = $1`, [planned.runId]);
    await new Promise((r) => setTimeout(r, due.getTime() - Date.now()));
    await dispatchAll(t, Channel.Letter);
    const builder = t.app.get(LetterBatchBuilderService);
    await builder.idle();
    const [waiting] = (
      await t.http().get('/api/v1/letter-batches').query({ runId: planned.runId }).set(as(salesOps))
    ).body.items as LetterBatchDto[];
    expect(waiting).toMatchObject({ status: 'building', letters: 1 });
    await t.dataSource.query(`UPDATE runs SET status = 'dispatching' WHERE id = $1`, [planned.runId]);
    await builder.sweep();
    const done = await t.http().get(`/api/v1/letter-batches/${waiting.id}`).set(as(salesOps)).expect(200);
    expect(done.body).toMatchObject({ status: 'ready', letters: 1, pages: 1 });
  });

  it('a letter deferred past the batch goes into a second batch of the run when it falls due', async () => {
    // Due a moment from now: the workers must not take the letters before one is deferred.
    const due = new Date(Date.now() + 1_000);
    const planned = await planLetters(
      [
        { name: 'ООО «Тета»', addressRecipient: 'ООО «Тета»' },
        { name: 'ООО «Кси»', addressRecipient: 'ООО «Кси»' },
      ],
      {},
      due,
    );
    const late = planned.clients[1];
    await t.dataSource.query(
      `UPDATE deliveries SET due_at = now() + interval '2 days' WHERE run_id = $1 AND client_id = $2`,
      [planned.runId, late.id],
    );
    await new Promise((r) => setTimeout(r, due.getTime() - Date.now()));
    const [first] = await dispatchAndBuild(planned.runId);
    expect(first).toMatchObject({ status: 'ready', letters: 1 });
    await t.dataSource.query(`UPDATE deliveries SET due_at = now() WHERE run_id = $1 AND client_id = $2`, [
      planned.runId,
      late.id,
    ]);
    const batches = await dispatchAndBuild(planned.runId);
    expect(batches).toHaveLength(2);
    const second = batches.find((b) => b.id !== first.id)!;
    expect(second).toMatchObject({ status: 'ready', letters: 1 });
    expect(second.fileName).toBe(first.fileName.replace(/\.pdf$/, '-2.pdf'));
    const text = (await pdfPages((await download(second.id)).body)).join('\n');
    expect(text).toContain('ООО «Кси»');
    expect(text).not.toContain('ООО «Тета»');
  });

  it('marking a batch mailed while its run is being cancelled waits for the cancel, then answers 409', async () => {
    const planned = await planLetters([{ name: 'ООО «Сигма»', addressRecipient: 'ООО «Сигма»' }]);
    const [batch] = await dispatchAndBuild(planned.runId);
    expect(batch.status).toBe('ready');
    // The cancel, as RunsService.cancel takes its locks: the run, its deliveries, then its batches.
    const cancel = await cancelHalfway(t.db.url, planned.runId);
    const marking = t
      .http()
      .post(`/api/v1/letter-batches/${batch.id}/mailed`)
      .set(as(salesOps))
      .then((r) => r);
    await new Promise((r) => setTimeout(r, 300));
    // Marking that had locked the batch first would deadlock here (one side aborted after 1 s).
    await cancel.finish(
      `UPDATE letter_batches SET status = 'failed', message = 'The run was cancelled' WHERE run_id = $1`,
    );
    const res = await marking;
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/failed/);
  });

  it('answers 409 for returned mail that is not a mailed letter, 404 and 400 for bad ids', async () => {
    const client = await createClient(t.dataSource);
    const email = await createTouch(t.dataSource, client.id, new Date(), {
      channel: Channel.Email,
      status: 'sent',
    });
    const res = await t.http().post(`/api/v1/deliveries/${email}/returned`).set(as(salesOps)).send({});
    expect(res.status).toBe(409);
    expect(res.body.details).toMatchObject({ channel: 'email' });
    await t.http().post('/api/v1/deliveries/999999999/returned').set(as(salesOps)).send({}).expect(404);
    await t.http().post('/api/v1/deliveries/abc/returned').set(as(salesOps)).send({}).expect(400);
    await t
      .http()
      .post(`/api/v1/deliveries/${email}/returned`)
      .set(as(salesOps))
      .send({ note: 5 })
      .expect(400);
  });

  it('answers 409 for the PDF or mailing of a batch still building, and lists and pages batches', async () => {
    const campaign = await createTaggedCampaign(t, 'nobody', { channels: [Channel.Letter] });
    const run = await createRun(t.dataSource, campaign, new Date(), 'building');
    const [b] = await t.dataSource.query(`INSERT INTO letter_batches (run_id) VALUES ($1) RETURNING id`, [
      run.id,
    ]);
    const pdf = await t.http().get(`/api/v1/letter-batches/${b.id}/pdf`).set(as(salesOps));
    expect(pdf.status).toBe(409);
    expect(pdf.body.message).toMatch(/building/);
    await t.http().post(`/api/v1/letter-batches/${b.id}/mailed`).set(as(salesOps)).expect(409);
    const one = await t.http().get(`/api/v1/letter-batches/${b.id}`).set(as(marketer)).expect(200);
    expect(one.body).toMatchObject({ status: 'building', letters: 0, pages: 0, fileBytes: null });
    await t
      .http()
      .get('/api/v1/letter-batches/00000000-0000-4000-8000-000000000000')
      .set(as(salesOps))
      .expect(404);

    const building = await t
      .http()
      .get('/api/v1/letter-batches')
      .query({ status: 'building' })
      .set(as(salesOps));
    expect((building.body.items as LetterBatchDto[]).map((i) => i.id)).toEqual([b.id]);
    const first = await t
      .http()
      .get('/api/v1/letter-batches')
      .query({ limit: 1 })
      .set(as(salesOps))
      .expect(200);
    expect(first.body.items).toHaveLength(1);
    const second = await t
      .http()
      .get('/api/v1/letter-batches')
      .query({ limit: 1, cursor: first.body.nextCursor })
      .set(as(salesOps))
      .expect(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    await t.http().get('/api/v1/letter-batches').query({ status: 'printed' }).set(as(salesOps)).expect(400);
  });

  it('prints the signer without an image when there is none, and leaves room to sign by hand', async () => {
    const signer = await t.app
      .get(SignersService)
      .create({ name: 'Ольга Ким', title: 'коммерческий директор' });
    const planned = await planLetters([{ name: 'ООО «Гамма»', addressRecipient: 'ООО «Гамма»' }], {
      signerId: signer.id,
    });
    const [batch] = await dispatchAndBuild(planned.runId);
    // The batch says so before anyone prints it.
    expect(batch.unsignedLetters).toBe(1);
    expect(batch.warnings).toEqual([
      '1 из 1 писем напечатаны без подписи: у подписанта нет изображения подписи / ' +
        '1 of 1 letters print without a signature: the signer has no signature image',
    ]);
    const pdf = (await download(batch.id)).body;
    expect(imageXObjects(pdf)).toBe(0);
    const text = (await pdfPages(pdf)).join('\n');
    expect(text).toContain('Ольга Ким');
    expect(text).toContain('коммерческий директор');
    expect(text).toContain('ООО «Гамма»');
  });
});
