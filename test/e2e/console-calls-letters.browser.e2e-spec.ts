import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DateTime } from 'luxon';
import type { CallTaskDto } from '@touchbase/calls';
import { CampaignKind, DEFAULT_BUSINESS_CALENDAR } from '@touchbase/campaigns';
import { Category, type Client } from '@touchbase/clients';
import { Channel, StaffRole } from '@touchbase/core';
import { LetterBatchBuilderService, type LetterBatchDto } from '@touchbase/letters';
import { PlannerService } from '@touchbase/planning';
import { createClient, createPurchase, daysAgo } from '../factories/client.factory';
import { createRun } from '../factories/run.factory';
import { TEST_ADMIN_KEY, type TestApp } from '../support/test-app';
import { createTaggedCampaign, dispatchAll, pastBusinessDayAt } from './calls-support';
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
import { createCeoSigner, pdfPages } from './letters-pdf';

const describeWithBrowser = browserAvailable('calls and letters browser tests') ? describe : describe.skip;
// A real browser on a shared machine, with the worker: each test plans, dispatches, renders and runs axe-core.
jest.setTimeout(180_000);

const ZONE = 'Asia/Yekaterinburg';
const NARROW = { width: 768, height: 1000 };

interface List<T> {
  items: T[];
  nextCursor: string | null;
}
interface OwnerLoad {
  owner: { id: string; name: string } | null;
  ownerActive: boolean | null;
  open: number;
  today: number;
  overdue: number;
  nextDueAt: string;
}
interface Report {
  tables: Record<string, Record<string, unknown>[]>;
}

describeWithBrowser('Calls and letters in the console (Chromium)', () => {
  const c = new ConsoleBrowser();
  let t: TestApp;
  let lettersDir: string;
  let anna: ConsoleMember;
  let olga: ConsoleMember;
  let signerId: string;
  let seq = 0;

  beforeAll(async () => {
    lettersDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-console-letters-'));
    await c.start(
      {
        DISPATCH_CHANNELS: 'call,letter',
        LETTERS_DIR: lettersDir,
        COMPANY_NAME: 'ООО «Тачбейс»',
        COMPANY_NAME_EN: 'Touchbase LLC',
        COMPANY_ADDRESS: '125009, Москва, ул. Тверская, д. 1',
      },
      { withWorker: true },
    );
    t = c.t;
    anna = await c.member(StaffRole.SalesOps, 'Анна Смирнова');
    olga = await c.member(StaffRole.SalesOps, 'Ольга Продажина');
    signerId = await createCeoSigner(t.app);
  });
  afterAll(async () => {
    await c.close();
    fs.rmSync(lettersDir, { recursive: true, force: true });
  });

  /** Three overdue calls for `owner` (VIP, A, B: the queue's order), made by the planner and the dispatcher. */
  async function planCalls(owner: ConsoleMember): Promise<{ clients: Client[]; tasks: CallTaskDto[] }> {
    seq += 1;
    const tag = `console-calls-${seq}`;
    const clients: Client[] = [];
    for (const [i, category] of [Category.B, Category.Vip, Category.A].entries()) {
      clients.push(
        await createClient(t.dataSource, {
          name: `ООО «Звонок-${seq}-${i + 1}»`,
          ownerId: owner.id,
          tags: [tag],
          timeZone: ZONE,
          categoryOverride: category,
        }),
      );
    }
    const campaign = await createTaggedCampaign(t, tag, {
      name: `Звонки VIP ${seq}`,
      kind: CampaignKind.Plan,
      channels: [Channel.Call],
      templates: { call: 'vip-call' },
    });
    const at = pastBusinessDayAt(ZONE, 10);
    const run = await createRun(t.dataSource, campaign, at, `console-calls-${seq}`);
    await t.app.get(PlannerService).plan(run.id, { now: at });
    await dispatchAll(t, Channel.Call);
    const all = await c.api<List<CallTaskDto>>(`/api/v1/call-tasks?owner=${owner.id}&limit=500`);
    const tasks = all.items.filter((task) => task.campaign.id === campaign.id);
    expect(tasks).toHaveLength(3);
    return { clients, tasks };
  }

  /** A ready letter batch of a run with three letters. */
  async function planLetters(): Promise<{ batch: LetterBatchDto; clients: Client[] }> {
    seq += 1;
    const tag = `console-letters-${seq}`;
    const clients: Client[] = [];
    for (const i of [1, 2, 3]) {
      clients.push(
        await createClient(t.dataSource, {
          name: `АО «Письмо-${seq}-${i}»`,
          tags: [tag],
          addressRecipient: `АО «Письмо-${seq}-${i}»`,
          addressLines: [`ул. Ленина, д. ${i}`],
          addressPostalCode: '620075',
        }),
      );
    }
    const campaign = await createTaggedCampaign(t, tag, {
      name: `Письмо руководителя ${seq}`,
      kind: CampaignKind.CeoLetter,
      topicKey: 'company-letters',
      channels: [Channel.Letter],
      templates: { letter: 'ceo-letter' },
      signerId,
    });
    const at = new Date(Date.now() - 60_000);
    const run = await createRun(t.dataSource, campaign, at, `2026-Q4-${seq}`);
    await t.app.get(PlannerService).plan(run.id, { now: at });
    await dispatchAll(t, Channel.Letter);
    for (let i = 0; i < 300; i += 1) {
      await t.app.get(LetterBatchBuilderService).idle();
      const list = await c.api<List<LetterBatchDto>>(`/api/v1/letter-batches?runId=${run.id}`);
      if (list.items.length === 1 && list.items[0].status === 'ready')
        return { batch: list.items[0], clients };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`The letter batch of run ${run.id} was not built`);
  }

  /** Today's queue of an owner as the API gives it: overdue and due today, each once. */
  async function todaysQueue(ownerId: string): Promise<string[]> {
    const [overdue, today] = await Promise.all([
      c.api<List<CallTaskDto>>(`/api/v1/call-tasks/overdue?owner=${ownerId}&limit=500`),
      c.api<List<CallTaskDto>>(`/api/v1/call-tasks?owner=${ownerId}&status=open&due=today&limit=500`),
    ]);
    return [...new Set([...overdue.items, ...today.items].map((task) => task.id))];
  }

  const current = (p: WatchedPage) => p.locator('[data-testid="calls-queue"] button[aria-current="true"]');
  const savedAlert = (p: WatchedPage) => p.getByTestId('call-saved');

  for (const locale of flowLocales()) {
    const T = TEXTS[locale];

    it(`${locale}: an account manager works three calls — reached, no answer, wrong number`, async () => {
      const { clients, tasks } = await planCalls(anna);
      const [b, vip, a] = clients;
      const taskOf = (client: Client) => tasks.find((task) => task.client.id === client.id)!;
      await createPurchase(t.dataSource, vip.id, 125_000, daysAgo(40));
      const vipClient = await c.api<{ purchaseCount: number }>(`/api/v1/clients/${vip.id}`);

      // At 768 px first: the queue above the call.
      const narrow = await c.signedIn(anna, locale, NARROW);
      await narrow.page.goto(`${c.base}/console/calls`);
      await expectHeading(narrow.page, T.calls.mine);
      await narrow.page.getByTestId('call-client').waitFor();
      await c.expectAccessible(narrow.page, `calls-${locale}-768`);
      await narrow.page.context().close();

      const { page: p } = await c.signedIn(anna, locale);
      await p.goto(`${c.base}/console/calls`);
      await expectHeading(p, T.calls.mine);
      const queue = await todaysQueue(anna.id);
      expect(
        await settled(
          () => p.getByTestId('calls-count').textContent(),
          fill(T.calls.queueCount, { count: queue.length }),
        ),
      ).toBe(fill(T.calls.queueCount, { count: queue.length }));
      await expect(p.getByTestId('calls-help').textContent()).resolves.toContain(T.calls.help);

      // Priority first: the VIP, then A, then B.
      await expect(p.getByTestId('call-client').textContent()).resolves.toBe(vip.name);
      const order = await p
        .locator('[data-testid="calls-queue"] button')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-task')));
      const ours = new Set(tasks.map((task) => task.id));
      expect(order.filter((id) => ours.has(id!))).toEqual([taskOf(vip).id, taskOf(a).id, taskOf(b).id]);
      // The rendered script of GET /call-tasks/:id, the card's purchases, no earlier notes.
      const script = (await c.api<CallTaskDto>(`/api/v1/call-tasks/${taskOf(vip).id}`)).script;
      await expect(p.getByTestId('call-script').textContent()).resolves.toBe(script);
      await expect(p.getByTestId('call-last-purchase').textContent()).resolves.toContain(
        fill(T.calls.purchases, { count: formatNumber(vipClient.purchaseCount, locale) }),
      );
      await expect(p.getByText(T.calls.noNotes).count()).resolves.toBe(1);
      await c.expectAccessible(p, `calls-${locale}-1280`);

      // J and K move in the queue, with the focus on the call's heading.
      await p.keyboard.press('j');
      await expect(settled(() => current(p).getAttribute('data-task'), taskOf(a).id)).resolves.toBe(
        taskOf(a).id,
      );
      await p.getByRole('heading', { level: 2, name: a.name }).waitFor();
      await expect(p.evaluate('document.activeElement?.textContent')).resolves.toBe(a.name);
      await p.keyboard.press('k');
      await p.getByRole('heading', { level: 2, name: vip.name }).waitFor();

      // 1: reached, N: the note, Ctrl+Enter: saved. All by keys.
      await p.keyboard.press('1');
      await p.keyboard.press('n');
      await p.keyboard.type('Договорились о встрече в четверг');
      await p.keyboard.press('Control+Enter');
      await savedAlert(p).waitFor();
      await expect(savedAlert(p).textContent()).resolves.toContain(
        fill(T.calls.saved, { client: vip.name, outcome: T.calls.outcome.reached }),
      );
      const reached = await c.api<CallTaskDto>(`/api/v1/call-tasks/${taskOf(vip).id}`);
      expect(reached).toMatchObject({ status: 'done', outcome: 'reached' });
      expect(reached.notes.map((n) => n.text)).toEqual(['Договорились о встрече в четверг']);

      // On to the next call by itself; 2: no answer, Enter: saved.
      await p.getByRole('heading', { level: 2, name: a.name }).waitFor();
      await expect(p.evaluate('document.activeElement?.textContent')).resolves.toBe(a.name);
      await p.keyboard.press('2');
      await p.keyboard.press('Enter');
      const savedText = async (name: string) => (await savedAlert(p).textContent())?.includes(name) ?? false;
      await expect(settled(() => savedText(a.name), true)).resolves.toBe(true);
      await expect(savedAlert(p).textContent()).resolves.toContain(
        fill(T.calls.saved, { client: a.name, outcome: T.calls.outcome['no-answer'] }),
      );
      // Due again the next business day, at the same local time.
      let next = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 1 });
      while (!DEFAULT_BUSINESS_CALENDAR.isBusinessDay(next.toISODate()!)) next = next.plus({ days: 1 });
      const retried = await c.api<CallTaskDto>(`/api/v1/call-tasks/${taskOf(a).id}`);
      expect(retried).toMatchObject({ status: 'open', outcome: 'no-answer', attempts: 1, overdue: false });
      expect(new Date(retried.dueAt).toISOString()).toBe(next.set({ hour: 10 }).toUTC().toISO());
      await expect(savedAlert(p).textContent()).resolves.toContain(T.calls.nextDue.split('{{')[0]);

      // 3: wrong number, with the mouse this time.
      await p.getByRole('heading', { level: 2, name: b.name }).waitFor();
      await p.locator('label', { has: p.locator('[data-outcome="wrong-number"]') }).click();
      await p.getByTestId('call-save').click();
      await expect(settled(() => savedText(b.name), true)).resolves.toBe(true);
      await expect(savedAlert(p).textContent()).resolves.toContain(T.calls.phoneFlagged);
      expect(await c.api<CallTaskDto>(`/api/v1/call-tasks/${taskOf(b).id}`)).toMatchObject({
        status: 'done',
        outcome: 'wrong-number',
      });
      // The client is in the verification backlog now, the phone the problem.
      const verification = await c.api<Report>('/api/v1/reports/verification?limit=500');
      const row = verification.tables.backlog.find((r) => r.clientId === b.id);
      expect(row).toBeDefined();
      expect(String(row!.problems).split(';')).toEqual(expect.arrayContaining(['phone-wrong']));

      // Nothing left for today; the retried call waits on the upcoming tab, on its day.
      await p.getByText(T.calls.emptyToday).waitFor();
      await p.getByRole('tab', { name: T.calls.tabs.upcoming }).click();
      await p.locator(`[data-testid="calls-queue"] button[data-task="${taskOf(a).id}"]`).waitFor();
      const upcoming = await c.api<List<CallTaskDto>>(
        `/api/v1/call-tasks?owner=${anna.id}&status=open&due=upcoming&limit=500`,
      );
      expect(upcoming.items.map((task) => task.id)).toContain(taskOf(a).id);
      await expect(p.locator('[data-testid="calls-queue"] button').count()).resolves.toBe(
        upcoming.items.length,
      );
      await c.expectAccessible(p, `calls-upcoming-${locale}-1280`);
    });

    it(`${locale}: a callback requested for a day and time is due then, on the upcoming tab`, async () => {
      const boris = await c.member(StaffRole.SalesOps, `Борис Орлов ${locale}`);
      const { clients, tasks } = await planCalls(boris);
      const vip = clients[1];
      const task = tasks.find((x) => x.client.id === vip.id)!;
      const { page: p } = await c.signedIn(boris, locale);
      await p.goto(`${c.base}/console/calls`);
      await p.getByRole('heading', { level: 2, name: vip.name }).waitFor();
      // 4: callback requested; the date field takes the focus; typed in the language's format.
      await p.keyboard.press('4');
      const picker = p.getByLabel(T.calls.callbackAt);
      await picker.waitFor();
      await expect(
        settled(() => p.evaluate("document.activeElement?.closest('.ant-picker') !== null"), true),
      ).resolves.toBe(true);
      const when = DateTime.now().plus({ days: 3 }).set({ hour: 15, minute: 30, second: 0, millisecond: 0 });
      const typed = when.toFormat(locale === 'ru' ? 'dd.MM.yyyy HH:mm' : 'MM/dd/yyyy HH:mm');
      await p.keyboard.type(typed);
      await p.keyboard.press('Enter');
      await p.keyboard.press('Control+Enter');
      await savedAlert(p).waitFor();
      await expect(savedAlert(p).textContent()).resolves.toContain(
        fill(T.calls.saved, { client: vip.name, outcome: T.calls.outcome['callback-requested'] }),
      );
      const after = await c.api<CallTaskDto>(`/api/v1/call-tasks/${task.id}`);
      expect(after).toMatchObject({ status: 'open', outcome: 'callback-requested' });
      // The time typed, in the browser's own zone.
      const local = await p.evaluate(
        `(() => { const d = new Date(${JSON.stringify(after.dueAt)}); return [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()]; })()`,
      );
      expect(local).toEqual([when.year, when.month, when.day, 15, 30]);
      await p.getByRole('tab', { name: T.calls.tabs.upcoming }).click();
      await p.locator(`[data-testid="calls-queue"] button[data-task="${task.id}"]`).waitFor();
    });

    it(`${locale}: sales ops see the team's load as GET /call-tasks/load has it, an owner's queue, the VIPs cooling`, async () => {
      // A VIP of Olga's idle for half a year: the cooling report's, with its pass run.
      const idle = await createClient(t.dataSource, {
        name: `ООО «Остывший ${locale}»`,
        ownerId: olga.id,
        categoryOverride: Category.Vip,
      });
      await t.dataSource.query(
        `UPDATE clients SET created_at = now() - interval '200 days', last_touch_at = NULL WHERE id = $1`,
        [idle.id],
      );
      const pass = await t
        .http()
        .post('/api/v1/reports/vip-cooling/run')
        .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`);
      expect(pass.status).toBeLessThan(300);
      await dispatchAll(t, Channel.Call);
      // An owner who left, with calls still open: flagged in the load.
      const gone = await c.member(StaffRole.SalesOps, `Пётр Ушедший ${locale}`);
      await planCalls(gone);
      const off = await t
        .http()
        .post(`/api/v1/staff/${gone.id}/deactivate`)
        .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`);
      expect(off.status).toBeLessThan(300);

      for (const viewport of [undefined, NARROW]) {
        const { page: p } = await c.signedIn(olga, locale, viewport);
        await p.goto(`${c.base}/console/calls/team`);
        await expectHeading(p, T.calls.team);
        const load = await c.api<{ owners: OwnerLoad[] }>('/api/v1/call-tasks/load');
        expect(load.owners.length).toBeGreaterThan(0);
        await p.locator('[data-testid="call-load"] tbody tr[data-row-key]').first().waitFor();
        await expect(p.locator('[data-testid="call-load"] tbody tr[data-row-key]').count()).resolves.toBe(
          load.owners.length,
        );
        for (const row of load.owners) {
          const tr = p.locator(
            `[data-testid="call-load"] tr[data-row-key="${row.owner?.id ?? 'unassigned'}"]`,
          );
          const cells = await Promise.all(
            ['open', 'today', 'overdue'].map((col) => tr.locator(`[data-col="${col}"]`).textContent()),
          );
          expect(cells).toEqual([row.open, row.today, row.overdue].map((v) => formatNumber(v, locale)));
          await expect(tr.textContent()).resolves.toContain(row.owner?.name ?? T.calls.load.unowned);
          const flagged = (await tr.textContent())!.includes(T.calls.load.inactive);
          expect(flagged).toBe(row.ownerActive === false);
        }
        expect(load.owners.find((r) => r.owner?.id === gone.id)).toMatchObject({
          ownerActive: false,
          open: 3,
        });

        // Anna's queue, as GET /call-tasks?owner=<id> lists it.
        await p.getByRole('button', { name: fill(T.calls.load.show, { name: anna.name }) }).click();
        await p
          .getByRole('heading', { level: 2, name: fill(T.calls.ownerQueue, { name: anna.name }) })
          .waitFor();
        const annas = await c.api<List<CallTaskDto>>(
          `/api/v1/call-tasks?owner=${anna.id}&status=open&limit=500`,
        );
        const rows = p.locator('[data-testid="owner-queue"] tbody tr[data-row-key]');
        await rows.first().waitFor();
        await expect(rows.count()).resolves.toBe(Math.min(20, annas.items.length));

        // The team's overdue calls and the VIPs cooling, as the API has them.
        const overdue = await c.api<List<CallTaskDto>>('/api/v1/call-tasks/overdue?owner=all&limit=500');
        const overdueRows = p.locator('[data-testid="team-overdue"] tbody tr[data-row-key]');
        await expect(settled(() => overdueRows.count(), Math.min(20, overdue.items.length))).resolves.toBe(
          Math.min(20, overdue.items.length),
        );
        const cooling = await c.api<Report>('/api/v1/reports/vip-cooling?limit=200');
        const mine = cooling.tables.clients.find((r) => r.clientId === idle.id);
        expect(mine).toBeDefined();
        const coolingRow = p.locator(`[data-testid="vip-cooling"] tr[data-row-key="${idle.id}"]`);
        await coolingRow.waitFor();
        const status = mine!.callTaskStatus as 'open' | 'done' | 'cancelled' | null;
        await expect(coolingRow.textContent()).resolves.toContain(
          status ? T.calls.cooling.taskStatus[status] : T.calls.cooling.noTask,
        );
        await expect(coolingRow.textContent()).resolves.toContain(olga.name);
        await c.expectAccessible(p, `calls-team-${locale}-${viewport ? 768 : 1280}`);
        await p.context().close();
      }
    });

    it(`${locale}: a marketer sees the letter batches without the post room's buttons, and no calls`, async () => {
      const { batch } = await planLetters();
      const marketer = await c.member(StaffRole.Marketer, `Олег Маркетов ${locale}`);
      const { page: p } = await c.signedIn(marketer, locale);
      await p.goto(`${c.base}/console/calls`);
      await p.getByText(T.calls.forbidden).waitFor();
      await p.goto(`${c.base}/console/letters/${batch.id}`);
      await p.locator('[data-testid="batch-facts"] [data-status="ready"]').waitFor();
      await expect(p.getByTestId('batch-pdf').count()).resolves.toBe(1);
      await expect(p.getByTestId('batch-mailed').count()).resolves.toBe(0);
      await c.expectAccessible(p, `letters-batch-marketer-${locale}-1280`);
    });

    it(`${locale}: sales ops download a letter batch's PDF, mark it mailed and record a returned letter`, async () => {
      const { batch, clients } = await planLetters();
      const { page: p } = await c.signedIn(olga, locale);
      await p.goto(`${c.base}/console/letters?status=ready`);
      await expectHeading(p, T.letters.title);
      const row = p.locator(`[data-testid="letter-batches"] tr[data-row-key="${batch.id}"]`);
      await row.waitFor();
      await expect(row.locator('[data-col="letters"]').textContent()).resolves.toBe(
        formatNumber(batch.letters, locale),
      );
      const ready = await c.api<List<LetterBatchDto>>('/api/v1/letter-batches?status=ready&limit=50');
      await expect(p.locator('[data-testid="letter-batches"] tbody tr[data-row-key]').count()).resolves.toBe(
        ready.items.length,
      );
      await c.expectAccessible(p, `letters-${locale}-1280`);

      await row.getByRole('link', { name: new RegExp(`^${T.letters.open}`) }).click();
      await expectHeading(
        p,
        fill(T.letters.batchTitle, { name: `${batch.campaignName} · ${batch.periodKey}` }),
      );
      await expect(p.locator('[data-testid="batch-facts"] [data-col="pages"]').textContent()).resolves.toBe(
        formatNumber(batch.pages, locale),
      );
      const letterRows = p.locator('[data-testid="batch-letters"] tbody tr[data-row-key]');
      await expect(settled(() => letterRows.count(), batch.letters)).resolves.toBe(batch.letters);

      // The PDF: a plain link, downloaded with the session cookie, the right file.
      const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId('batch-pdf').click()]);
      expect(download.suggestedFilename()).toBe(batch.fileName);
      const pdf = fs.readFileSync((await download.path())!);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.length).toBe(batch.fileBytes);
      expect(await pdfPages(pdf)).toHaveLength(batch.pages);

      // Mailed, after the confirmation.
      await p.getByTestId('batch-mailed').click();
      await p.locator('.ant-popconfirm').getByRole('button', { name: T.letters.markMailed }).click();
      await p.locator('[data-testid="batch-facts"] [data-status="mailed"]').waitFor();
      const mailed = await c.api<LetterBatchDto>(`/api/v1/letter-batches/${batch.id}`);
      expect(mailed.status).toBe('mailed');
      expect(mailed.mailedAt).not.toBeNull();

      // A letter came back: the client's address goes to verification, and the screen says so.
      const back = clients[1];
      const letter = p.locator('[data-testid="batch-letters"] tbody tr', { hasText: back.name });
      await letter.getByTestId('letter-return').click();
      const dialog = p.getByRole('dialog');
      await dialog.getByLabel(T.letters.returnedNote).fill('Адресат выбыл');
      await dialog.getByRole('button', { name: T.letters.returnedSave }).click();
      await p.getByTestId('letter-returned').waitFor();
      await dialog.waitFor({ state: 'hidden' });
      await expect(p.getByTestId('letter-returned').textContent()).resolves.toBe(
        fill(T.letters.returnedDone, { client: back.name }),
      );
      // The letter's row says so too, and still does after a reload (the API keeps the return).
      const says = async () => {
        const text = (await letter.textContent()) ?? '';
        return text.includes(T.letters.returnedOn.split(' {{')[0]) && text.includes(T.letters.addressFlagged);
      };
      await expect(settled(says, true)).resolves.toBe(true);
      await p.reload();
      await letter.waitFor();
      await expect(settled(says, true)).resolves.toBe(true);
      await expect(letter.getByTestId('letter-return').count()).resolves.toBe(0);
      const verification = await c.api<Report>('/api/v1/reports/verification?limit=500');
      const flagged = verification.tables.backlog.find((r) => r.clientId === back.id);
      expect(String(flagged?.problems).split(';')).toEqual(expect.arrayContaining(['address-returned']));
      await c.expectAccessible(p, `letters-batch-${locale}-1280`);

      // At 768 px: the list and the batch.
      const narrow = await c.signedIn(olga, locale as UiLocale, NARROW);
      await narrow.page.goto(`${c.base}/console/letters`);
      await expectHeading(narrow.page, T.letters.title);
      await narrow.page.locator(`[data-testid="letter-batches"] tr[data-row-key="${batch.id}"]`).waitFor();
      await c.expectAccessible(narrow.page, `letters-${locale}-768`);
      await narrow.page.goto(`${c.base}/console/letters/${batch.id}`);
      await narrow.page.locator('[data-testid="batch-facts"] [data-status="mailed"]').waitFor();
      await c.expectAccessible(narrow.page, `letters-batch-${locale}-768`);
    });
  }
});
