import * as fs from 'node:fs';
import { deflateSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { CampaignKind } from '@touchbase/campaigns';
import { Category, Client } from '@touchbase/clients';
import { Channel, StaffRole } from '@touchbase/core';
import { createCampaign } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { createDelivery, type DeliveryStatusValue } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { createSegment } from '../factories/segment.factory';
import type { TestApp } from '../support/test-app';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  fill,
  formatNumber,
  flowLocales,
  settled,
  TEXTS,
  type UiLocale,
  type WatchedPage,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console reports and settings browser tests')
  ? describe
  : describe.skip;
// A real browser on a shared machine: each test signs in, renders and runs axe-core.
jest.setTimeout(300_000);

type Row = Record<string, string | number | boolean | null>;
interface Report {
  summary: Record<string, number>;
  tables: Record<string, Row[]>;
}
interface Policy {
  overall: { maxTouches: number; windowDays: number }[];
  perChannel: Record<string, { maxTouches: number; windowDays: number }[]>;
  sendingWindows: Record<string, unknown>;
}

/** Text as the screen shows it, spaces of every kind made one. */
const squash = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
const share = (v: number, l: UiLocale) =>
  squash(new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 1 }).format(v));
const num = (v: number, l: UiLocale) => squash(formatNumber(v, l));

/** A PNG of w×h pixels (grey), built by hand: signature, IHDR, IDAT, IEND. */
function png(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((w + 1) * h, 0x60);
  for (let y = 0; y < h; y += 1) raw[y * (w + 1)] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describeWithBrowser('Console reports and admin settings in a real browser (Chromium)', () => {
  const c = new ConsoleBrowser();
  let t: TestApp;
  let base: string;
  let admin: ConsoleMember;
  let marketer: ConsoleMember;
  let surveyCampaignId: string;
  let decemberRunId: string;
  const api = <T>(url: string) => c.api<T>(url);
  const PERIOD = '2026-Q4';

  /** The cells of a table's body rows, as the screen shows them. */
  const cells = (p: WatchedPage, testId: string) =>
    p
      .locator(`[data-testid="${testId}"] tbody tr.ant-table-row`)
      .evaluateAll((rows) =>
        rows.map((r) =>
          Array.from(r.querySelectorAll('td'), (td: { textContent: string | null }) =>
            (td.textContent ?? '').trim(),
          ),
        ),
      )
      .then((rows) => rows.map((r) => r.map(squash)));
  const statistic = (p: WatchedPage, key: string) =>
    p
      .locator(`[data-testid="summary-${key}"] .ant-statistic-content`)
      .textContent()
      .then((s) => squash(s ?? ''));

  /** Every chart of the screen drawn (their chunk is lazy), each with its text alternative. */
  const chartsDrawn = async (p: WatchedPage, l: UiLocale) => {
    const pending = () =>
      Promise.all([
        p.getByText(TEXTS[l].reports.chart.loading).count(),
        p.locator('.ant-spin-spinning, .ant-spin-blur').count(),
        p.locator('[data-chart]:not(:has(canvas))').count(),
        // A table that was loading fades back in: not yet at full opacity.
        p
          .locator('.ant-spin-container')
          .evaluateAll(
            (els) =>
              els.filter(
                (e) =>
                  (
                    globalThis as unknown as { getComputedStyle: (el: unknown) => { opacity: string } }
                  ).getComputedStyle(e).opacity !== '1',
              ).length,
          ),
      ]);
    await expect(settled(pending, [0, 0, 0, 0])).resolves.toEqual([0, 0, 0, 0]);
  };

  /** The screen settled (charts drawn, nothing loading), kept as a screenshot, axe-core clean. */
  const look = async (p: WatchedPage, l: UiLocale, name: string) => {
    await chartsDrawn(p, l);
    await c.expectAccessible(p, name);
  };

  beforeAll(async () => {
    await c.start();
    ({ t, base } = c);
    admin = await c.member(StaffRole.Admin, 'Мария Админова');
    marketer = await c.member(StaffRole.Marketer, 'Олег Маркетов');
    const owner = await c.member(StaffRole.SalesOps, 'Анна Смирнова');

    // A base of eight clients in Q4 2026: touched or not in October, and the quarter's CEO letter.
    const made: Record<string, Client> = {};
    const client = async (key: string, name: string, category: Category, tags: string[] = ['ceo']) => {
      made[key] = await createClient(t.dataSource, {
        name,
        categoryOverride: category,
        ownerId: key.startsWith('a') ? owner.id : null,
        tags,
      });
    };
    await client('alfa', 'ООО «Альфа»', Category.Vip);
    await client('beta', 'ООО «Бета»', Category.A);
    await client('vega', 'ООО «Вега»', Category.B);
    await client('gamma', 'ООО «Гамма»', Category.C);
    await client('delta', 'ООО «Дельта»', Category.C);
    await client('epsilon', 'ООО «Эпсилон»', Category.B);
    await client('zeta', 'ООО «Зета»', Category.A, []);
    await client('anna', 'ООО «Анна и партнёры»', Category.Vip);
    await t.dataSource.query(`UPDATE client_preferences SET opted_out = true WHERE client_id = $1`, [
      made.delta.id,
    ]);
    // All in the base since January; Гамма lapsed in October (the funnel's one change).
    await t.dataSource.query(
      `UPDATE clients SET created_at = '2026-01-01T00:00:00Z', stage_changed_at = '2026-01-01T00:00:00Z'`,
    );
    await t.dataSource.query(
      `UPDATE clients SET stage = 'lapsed', stage_changed_at = '2026-10-15T09:00:00Z' WHERE id = $1`,
      [made.gamma.id],
    );
    await t.dataSource.query(
      `INSERT INTO stage_history (client_id, from_stage, to_stage, cause, changed_at)
       VALUES ($1, 'client', 'lapsed', 'test', '2026-10-15T09:00:00Z')`,
      [made.gamma.id],
    );
    await t.dataSource.query(`UPDATE clients SET contact_flags = ARRAY['phone-wrong'] WHERE id = $1`, [
      made.vega.id,
    ]);

    const runs = new Map<string, { id: string; campaignId: string }>();
    const deliver = async (
      campaign: { id: string },
      periodKey: string,
      who: string,
      channel: Channel,
      status: DeliveryStatusValue,
      at: string,
      reason: string | null = null,
    ) => {
      const runKey = `${campaign.id}/${periodKey}`;
      if (!runs.has(runKey)) {
        const run = await createRun(t.dataSource, campaign, new Date(at), periodKey);
        runs.set(runKey, { id: run.id, campaignId: campaign.id });
      }
      const sent = ['sent', 'delivered', 'bounced'].includes(status);
      await createDelivery(t.dataSource, runs.get(runKey)!, made[who].id, {
        channel,
        status,
        reason,
        scheduledAt: new Date(at),
        sentAt: sent ? new Date(at) : null,
      });
    };
    const news = await createCampaign(t.dataSource, { name: 'Новости октября' });
    await deliver(news, '2026-10', 'alfa', Channel.Email, 'sent', '2026-10-05T09:00:00Z');
    await deliver(news, '2026-10', 'beta', Channel.Sms, 'delivered', '2026-10-06T09:00:00Z');
    await deliver(news, '2026-10', 'zeta', Channel.Email, 'sent', '2026-10-07T09:00:00Z');
    await deliver(news, '2026-10', 'vega', Channel.Email, 'failed', '2026-10-08T09:00:00Z');
    await deliver(
      news,
      '2026-10',
      'gamma',
      Channel.Email,
      'suppressed',
      '2026-10-01T09:00:00Z',
      'frequency-cap',
    );
    await deliver(
      news,
      '2026-10',
      'epsilon',
      Channel.Email,
      'suppressed',
      '2026-10-01T09:00:00Z',
      'topic-unsubscribed',
    );

    const ceoSegment = await createSegment(t.dataSource, 'Адресаты письма директора', {
      field: 'tags',
      op: 'contains',
      value: 'ceo',
    });
    const ceo = await createCampaign(t.dataSource, {
      name: 'Письмо директора',
      kind: CampaignKind.CeoLetter,
      segmentId: ceoSegment,
      topicKey: 'company-letters',
    });
    await deliver(ceo, PERIOD, 'alfa', Channel.Letter, 'sent', '2026-11-02T09:00:00Z');
    await deliver(ceo, PERIOD, 'anna', Channel.Email, 'sent', '2026-11-02T09:00:00Z');
    await deliver(ceo, PERIOD, 'beta', Channel.Email, 'bounced', '2026-11-02T09:00:00Z');
    await deliver(ceo, PERIOD, 'vega', Channel.Email, 'suppressed', '2026-11-02T09:00:00Z', 'frequency-cap');
    await deliver(ceo, PERIOD, 'gamma', Channel.Email, 'failed', '2026-11-02T09:00:00Z', 'smtp-rejected');
    // epsilon: in the segment, no delivery; delta: opted out; zeta: outside the segment.

    // Two survey answers to a survey run of November.
    const survey = await createCampaign(t.dataSource, { name: 'Опрос клиентов', topicKey: 'surveys' });
    const surveyRun = await createRun(t.dataSource, survey, new Date('2026-11-10T09:00:00Z'), '2026-11');
    for (const [who, rating, valued] of [
      ['alfa', 10, 'Скорость'],
      ['beta', 6, 'Цены'],
    ] as const) {
      await t.dataSource.query(
        `INSERT INTO survey_answers (client_id, run_id, valued, improve, rating, locale, created_at)
         VALUES ($1, $2, $3, '', $4, 'ru', '2026-11-12T09:00:00Z')`,
        [made[who].id, surveyRun.id, valued, rating],
      );
    }
    // And one to December's survey run.
    surveyCampaignId = survey.id;
    decemberRunId = (await createRun(t.dataSource, survey, new Date('2026-12-03T09:00:00Z'), '2026-12')).id;
    await t.dataSource.query(
      `INSERT INTO survey_answers (client_id, run_id, valued, improve, rating, locale, created_at)
       VALUES ($1, $2, 'Сервис', 'Сроки', 9, 'ru', '2026-12-04T09:00:00Z')`,
      [made.alfa.id, decemberRunId],
    );
  });

  afterAll(() => c.close());

  it.each(flowLocales())(
    'coverage shows the API numbers and whom the CEO letter missed, and why (%s)',
    async (l) => {
      const ui = TEXTS[l];
      const { page: p } = await c.signedIn(admin, l);
      await p.goto(`${base}/console/reports/coverage?period=${PERIOD}`);
      await expectHeading(p, ui.reports.title);
      const report = await api<Report>(`/api/v1/reports/coverage?period=${PERIOD}`);
      await p.getByTestId('report-coverage').waitFor();

      for (const [key, kind] of [
        ['base', 'int'],
        ['touched', 'int'],
        ['share', 'share'],
      ] as const) {
        const v = report.summary[key];
        await expect(
          settled(() => statistic(p, key), kind === 'share' ? share(v, l) : num(v, l)),
        ).resolves.toBe(kind === 'share' ? share(v, l) : num(v, l));
      }
      expect(report.summary.base).toBe(8);
      expect(await cells(p, 'table-coverage-byCategory')).toEqual(
        report.tables.byCategory.map((r) => [
          String(r.category),
          num(Number(r.base), l),
          num(Number(r.touched), l),
          share(Number(r.share), l),
        ]),
      );

      // The missed list: each client with the reason in words, as the API gives them.
      const missed = report.tables.ceoLetterMissed;
      expect(missed.map((m) => m.reason).sort()).toEqual(
        ['bounced', 'failed', 'no-delivery', 'not-in-segment', 'opted-out', 'suppressed'].sort(),
      );
      const reasonWords = (r: Row) => {
        const detail = r.detail ? String(r.detail) : null;
        const words = ui.reason as Record<string, string>;
        const detailText = detail ? (words[detail] ?? detail) : ui.reports.ceoReason.noDetail;
        return squash(
          fill((ui.reports.ceoReason as Record<string, string>)[String(r.reason)], { detail: detailText }),
        );
      };
      const shown = await cells(p, 'table-coverage-ceoLetterMissed');
      expect(shown.map((row) => [row[1], row[4]]).sort()).toEqual(
        missed.map((m) => [squash(String(m.clientName)), reasonWords(m)]).sort(),
      );
      // Each missed client links to its page.
      const links = await p
        .locator('[data-testid="table-coverage-ceoLetterMissed"] tbody a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(links.sort()).toEqual(missed.map((m) => `/console/clients/${String(m.clientId)}`).sort());

      // The CSV of the missed list: the API's rows, a header row and a BOM for spreadsheets.
      const [download] = await Promise.all([
        p.waitForEvent('download'),
        p.getByTestId('csv-ceoLetterMissed').click(),
      ]);
      const file = fs.readFileSync((await download.path())!);
      expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const records = parse(file, { columns: true, bom: true }) as Record<string, string>[];
      expect(records).toEqual(
        missed.map((m) =>
          Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === null ? '' : String(v)])),
        ),
      );
      await look(p, l, `reports-coverage-${l}-1280`);

      // The filters live in the URL: a category narrows the report to what the API answers for it.
      await p.goto(`${base}/console/reports/coverage?period=${PERIOD}&category=VIP`);
      const vip = await api<Report>(`/api/v1/reports/coverage?period=${PERIOD}&category=VIP`);
      await expect(settled(() => statistic(p, 'base'), num(vip.summary.base, l))).resolves.toBe(
        num(vip.summary.base, l),
      );
      expect(vip.summary.base).toBe(2);
    },
  );

  // Each report with the figures and tables checked against the API (VIP cooling: 20 idle days).
  const SCREENS: { report: string; query: string; summary: string[]; tables: string[] }[] = [
    {
      report: 'suppressions',
      query: `?period=${PERIOD}`,
      summary: ['suppressed', 'capped'],
      tables: ['byReason', 'byCampaign', 'mostCapped'],
    },
    {
      report: 'deliverability',
      query: `?period=${PERIOD}`,
      summary: ['stops'],
      tables: ['byChannel', 'weekly', 'callOutcomes'],
    },
    { report: 'funnel', query: `?period=${PERIOD}`, summary: ['changes'], tables: ['stages', 'transitions'] },
    {
      report: 'win-back',
      query: `?period=${PERIOD}`,
      summary: ['lapsedNow', 'becameLapsed', 'cameBack'],
      tables: ['winBack', 'lapsed'],
    },
    {
      report: 'vip-cooling',
      query: '?days=20',
      summary: ['days', 'clients'],
      tables: ['clients', 'byOwner'],
    },
    {
      report: 'verification',
      query: `?period=${PERIOD}`,
      summary: ['clients', 'verificationTasks'],
      tables: ['byProblem', 'backlog'],
    },
  ];

  it.each(flowLocales())('every other report shows the API figures, at 1280 and 768 px (%s)', async (l) => {
    const ui = TEXTS[l];
    for (const width of [1280, 768]) {
      const { page: p } = await c.signedIn(admin, l, { width, height: 900 });
      for (const s of SCREENS) {
        await p.goto(`${base}/console/reports/${s.report}${s.query}`);
        await expectHeading(p, ui.reports.title);
        await p.getByTestId(`report-${s.report}`).waitFor();
        const report = await api<Report>(`/api/v1/reports/${s.report}${s.query}`);
        for (const key of s.summary) {
          const want = num(report.summary[key], l);
          await expect(settled(() => statistic(p, key), want)).resolves.toBe(want);
        }
        for (const table of s.tables) {
          const rows = await cells(p, `table-${s.report}-${table}`);
          expect(rows.length).toBe(report.tables[table].length);
        }
        if (s.report === 'suppressions') {
          const byReason = await cells(p, 'table-suppressions-byReason');
          expect(byReason.map((r) => r[1])).toEqual(
            report.tables.byReason.map((r) => num(Number(r.deliveries), l)),
          );
          expect(report.summary.suppressed).toBe(3);
        }
        if (s.report === 'funnel') expect(report.summary.changes).toBe(1);
        if (s.report === 'win-back') expect(report.summary.lapsedNow).toBe(1);
        if (s.report === 'vip-cooling') {
          // The VIP and A clients, idle since their last touch of October or November.
          expect(report.summary.clients).toBe(4);
          const names = (await cells(p, 'table-vip-cooling-clients')).map((r) => r[0]).sort();
          expect(names).toEqual(report.tables.clients.map((r) => squash(String(r.clientName))).sort());
        }
        if (s.report === 'verification') {
          const names = (await cells(p, 'table-verification-backlog')).map((r) => r[0]).sort();
          expect(names).toEqual(report.tables.backlog.map((r) => squash(String(r.clientName))).sort());
        }
        await look(p, l, `reports-${s.report}-${l}-${width}`);
      }
      // The survey: its own filters (answer dates, campaign) and figures.
      await p.goto(`${base}/console/reports/survey`);
      await p.getByTestId('report-survey').waitFor();
      const survey = await api<{ responses: number; ratings: { nps: number } }>('/api/v1/reports/survey');
      expect(survey.responses).toBe(3);
      await expect(settled(() => statistic(p, 'responses'), num(3, l))).resolves.toBe(num(3, l));
      await expect(settled(() => statistic(p, 'nps'), num(survey.ratings.nps, l))).resolves.toBe(
        num(survey.ratings.nps, l),
      );
      await expect(
        p.locator('[data-testid="table-survey-answers"] tbody tr.ant-table-row').count(),
      ).resolves.toBe(3);
      await look(p, l, `reports-survey-${l}-${width}`);
      // One run's answers: the campaign, then its December run, chosen in the filters.
      await p.goto(`${base}/console/reports/survey?campaign=${surveyCampaignId}`);
      await p.getByTestId('report-survey').waitFor();
      const runPicker = p.getByLabel(TEXTS[l].reports.filter.run, { exact: true });
      await runPicker.click();
      await p
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
          hasText: '2026-12',
        })
        .click();
      await p.waitForURL(new RegExp(`run=${decemberRunId}`));
      const december = await api<{ responses: number }>(`/api/v1/reports/survey?runId=${decemberRunId}`);
      expect(december.responses).toBe(1);
      await expect(settled(() => statistic(p, 'responses'), num(1, l))).resolves.toBe(num(1, l));
      await expect(
        settled(() => p.locator('[data-testid="table-survey-answers"] tbody tr.ant-table-row').count(), 1),
      ).resolves.toBe(1);
      // The coverage at this width too.
      await p.goto(`${base}/console/reports/coverage?period=${PERIOD}`);
      await p.getByTestId('report-coverage').waitFor();
      if (width === 768) await look(p, l, `reports-coverage-${l}-${width}`);
    }
  });

  it.each(flowLocales())(
    'an admin changes the frequency policy (a bad value shows on its field) and the classification rules (%s)',
    async (l) => {
      const ui = TEXTS[l].settingsAdmin;
      const { page: p } = await c.signedIn(admin, l);
      await p.goto(`${base}/console/settings`);
      await expectHeading(p, TEXTS[l].settings.title);
      await look(p, l, `settings-home-${l}-1280`);
      await p.getByRole('link', { name: ui.home.policy }).click();
      await expectHeading(p, ui.policy.title);
      const before = await api<Policy>('/api/v1/frequency-policy');
      const overall = p.getByTestId('caps-overall');
      const firstMax = overall.getByLabel(ui.policy.maxTouches).first();
      await firstMax.waitFor();
      await expect(firstMax.inputValue()).resolves.toBe(String(before.overall[0].maxTouches));

      // A value out of range: the field says so, nothing is saved.
      const firstDays = overall.getByLabel(ui.policy.windowDays).first();
      await firstDays.fill('400');
      await p.getByRole('button', { name: ui.save }).click();
      await overall.getByText(ui.policy.windowDaysRange).waitFor();
      expect(await api<Policy>('/api/v1/frequency-policy')).toEqual(before);

      // A good change: saved, said so, and the API answers the new values.
      const next = before.overall[0].maxTouches + 1;
      await firstDays.fill(String(before.overall[0].windowDays));
      await firstMax.fill(String(next));
      await overall
        .getByText(fill(ui.policy.capMeaning, { count: next, days: before.overall[0].windowDays }))
        .waitFor();
      await p.getByRole('button', { name: ui.save }).click();
      await p.getByText(ui.saved).first().waitFor();
      const after = await settled(
        () => api<Policy>('/api/v1/frequency-policy').then((x) => x.overall[0].maxTouches),
        next,
      );
      expect(after).toBe(next);
      const saved = await api<Policy>('/api/v1/frequency-policy');
      expect(saved).toEqual({
        ...before,
        overall: [{ ...before.overall[0], maxTouches: next }, ...before.overall.slice(1)],
      });
      await look(p, l, `settings-policy-${l}-1280`);

      // The classification rules: a change saved is what the API then answers.
      await p.goto(`${base}/console/settings/classification`);
      await expectHeading(p, ui.classification.title);
      const rules = await api<{ lapsedDays: number; aShare: number }>('/api/v1/classification/settings');
      const lapsed = p.getByLabel(ui.classification.lapsedDays);
      await expect(lapsed.inputValue()).resolves.toBe(String(rules.lapsedDays));
      await expect(p.getByLabel(ui.classification.aShare).inputValue()).resolves.toBe(
        String(Math.round(rules.aShare * 10000) / 100),
      );
      const days = rules.lapsedDays + 10;
      await lapsed.fill(String(days));
      await p.getByRole('button', { name: ui.save }).click();
      await expect(
        settled(
          () => api<{ lapsedDays: number }>('/api/v1/classification/settings').then((x) => x.lapsedDays),
          days,
        ),
      ).resolves.toBe(days);
      expect(await api('/api/v1/classification/settings')).toEqual({ ...rules, lapsedDays: days });
      await look(p, l, `settings-classification-${l}-1280`);
    },
  );

  it.each(flowLocales())(
    'an admin creates a topic and a signer with a PNG signature; an API field error shows on its field (%s)',
    async (l) => {
      const ui = TEXTS[l].settingsAdmin;
      const { page: p } = await c.signedIn(admin, l);
      await p.goto(`${base}/console/settings/topics`);
      await expectHeading(p, ui.topics.title);
      await p.getByRole('button', { name: ui.topics.create }).click();
      const dialog = p.getByRole('dialog');
      const key = `webinars-${l}`;
      await dialog.getByLabel(ui.topics.key).fill(key);
      await dialog.getByLabel(ui.topics.nameRu, { exact: true }).fill(`Вебинары ${l}`);
      await dialog.getByLabel(ui.topics.nameEn, { exact: true }).fill(`Webinars ${l}`);
      await dialog.getByRole('button', { name: ui.save }).click();
      await p.getByTestId('topics').getByText(key, { exact: true }).waitFor();
      const topics = await api<{ items: { key: string; nameRu: string; nameEn: string }[] }>(
        '/api/v1/topics',
      );
      expect(topics.items.find((x) => x.key === key)).toMatchObject({
        nameRu: `Вебинары ${l}`,
        nameEn: `Webinars ${l}`,
      });
      await look(p, l, `settings-topics-${l}-1280`);

      // The same key again: the API's conflict is shown, nothing else changes.
      await p.getByRole('button', { name: ui.topics.create }).click();
      await dialog.getByLabel(ui.topics.key).fill(key);
      await dialog.getByLabel(ui.topics.nameRu, { exact: true }).fill('Дубль');
      await dialog.getByLabel(ui.topics.nameEn, { exact: true }).fill('Duplicate');
      await dialog.getByRole('button', { name: ui.save }).click();
      await dialog.getByRole('alert').waitFor();
      await dialog.getByRole('button', { name: ui.cancel }).click();

      // A signer, then its signature.
      await p.goto(`${base}/console/settings/signers`);
      await expectHeading(p, ui.signers.title);
      await p.getByRole('button', { name: ui.signers.create }).click();
      const name = `Иван Петров ${l}`;
      await dialog.getByLabel(ui.signers.name, { exact: true }).fill(name);
      await dialog.getByLabel(ui.signers.titleField, { exact: true }).fill('Генеральный директор');
      await dialog.getByLabel(ui.signers.email).fill('not-an-email');
      await dialog.getByRole('button', { name: ui.save }).click();
      await dialog.getByText(ui.signers.emailInvalid).waitFor();
      await dialog.getByLabel(ui.signers.email).fill(`ceo-${l}@example.com`);
      await dialog.getByRole('button', { name: ui.save }).click();
      const row = p.getByTestId('signers').locator('tr', { hasText: name });
      await row.waitFor();
      await expect(row.getByText(ui.signers.noSignature).count()).resolves.toBe(1);

      // Not an image: refused here before anything is sent.
      const input = row.locator('input[type=file]');
      await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
      await p.getByRole('alert').filter({ hasText: ui.signers.badType }).waitFor();

      await input.setInputFiles({ name: 'signature.png', mimeType: 'image/png', buffer: png(60, 20) });
      const img = row.getByRole('img', { name: fill(ui.signers.signatureOf, { name }) });
      await img.waitFor();
      await expect(
        settled(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth), 60),
      ).resolves.toBe(60);
      const signers = await api<{ items: { name: string; hasSignature: boolean; signatureMime: string }[] }>(
        '/api/v1/signers',
      );
      expect(signers.items.find((s) => s.name === name)).toMatchObject({
        hasSignature: true,
        signatureMime: 'image/png',
      });
      await look(p, l, `settings-signers-${l}-1280`);

      // The workspace screen at both widths.
      for (const width of [1280, 768]) {
        const { page: w } = await c.signedIn(admin, l, { width, height: 900 });
        await w.goto(`${base}/console/settings/workspace`);
        await expectHeading(w, ui.workspace.title);
        const branding = await api<{ name: string }>('/api/v1/branding');
        await expect(w.getByLabel(ui.workspace.name, { exact: true }).inputValue()).resolves.toBe(
          branding.name,
        );
        await look(w, l, `settings-workspace-${l}-${width}`);
        if (width === 1280) {
          // A weekday as a "working weekend day": the API's 400 names the list, shown on that field.
          const before = await api<{ daysOff: string[]; workingDays: string[] }>('/api/v1/holiday-calendar');
          const card = w.locator('.ant-card', { hasText: ui.workspace.holidays });
          await card.getByLabel(ui.workspace.workingDays).pressSequentially('2026-12-09,');
          await card.getByRole('button', { name: ui.save }).click();
          const fieldError = card
            .locator('.ant-form-item', { hasText: ui.workspace.workingDays })
            .locator('.ant-form-item-explain-error');
          await fieldError.filter({ hasText: '2026-12-09' }).first().waitFor();
          expect(await api('/api/v1/holiday-calendar')).toEqual(before);
        }
        for (const screen of ['policy', 'topics', 'signers', 'classification'] as const) {
          if (width === 1280) continue;
          await w.goto(`${base}/console/settings/${screen}`);
          await expectHeading(w, ui[screen].title);
          if (screen === 'policy') await w.getByTestId('caps-overall').waitFor();
          else if (screen === 'classification') await w.getByLabel(ui.classification.lapsedDays).waitFor();
          else await w.locator(`[data-testid="${screen}"] tbody tr.ant-table-row`).first().waitFor();
          await look(w, l, `settings-${screen}-${l}-${width}`);
        }
      }
    },
  );

  it.each(flowLocales())(
    'a marketer sees the settings read-only, no staff, and the API refuses changes (%s)',
    async (l) => {
      const ui = TEXTS[l].settingsAdmin;
      const { page: p, csrfToken } = await c.signedIn(marketer, l);
      await p.goto(`${base}/console/settings`);
      await expectHeading(p, TEXTS[l].settings.title);
      await p.getByRole('link', { name: ui.home.policy }).waitFor();
      await expect(p.getByRole('link', { name: TEXTS[l].settings.staffLink }).count()).resolves.toBe(0);
      await expect(p.getByTestId('settings-home').getByText(ui.home.readOnlyTag).count()).resolves.toBe(4);
      await look(p, l, `settings-home-marketer-${l}-1280`);

      await p.goto(`${base}/console/settings/policy`);
      await expectHeading(p, ui.policy.title);
      await p.getByText(ui.readOnly).waitFor();
      await expect(p.getByRole('button', { name: ui.save }).count()).resolves.toBe(0);
      const policy = await api<Policy>('/api/v1/frequency-policy');
      const put = await p.request.put(`${base}/api/v1/frequency-policy`, {
        data: policy,
        headers: { 'X-CSRF-Token': csrfToken },
      });
      expect(put.status()).toBe(403);
      const topic = await p.request.post(`${base}/api/v1/topics`, {
        data: { key: `marketer-${l}`, nameRu: 'Тема', nameEn: 'Topic' },
        headers: { 'X-CSRF-Token': csrfToken },
      });
      expect(topic.status()).toBe(403);
      await look(p, l, `settings-policy-marketer-${l}-1280`);

      await p.goto(`${base}/console/settings/staff`);
      await p.getByText(TEXTS[l].errors.forbidden).waitFor();
      await p.goto(`${base}/console/settings/topics`);
      await expectHeading(p, ui.topics.title);
      await expect(p.getByRole('button', { name: ui.topics.create }).count()).resolves.toBe(0);
    },
  );
});
