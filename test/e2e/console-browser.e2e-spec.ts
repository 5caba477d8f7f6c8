import { Category, Stage } from '@touchbase/clients';
import { Channel, StaffRole } from '@touchbase/core';
import { DeliveryReason, DeliveryStatus, RunStatus } from '@touchbase/runs';
import { createCampaign } from '../factories/campaign.factory';
import { createClient, createPurchase, daysAgo } from '../factories/client.factory';
import { createDelivery, createDeliveries } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { createStaffWithPassword, TEST_PASSWORD } from '../factories/staff.factory';
import { TEST_ADMIN_KEY, type TestApp } from '../support/test-app';
import {
  browserAvailable,
  chooseLanguage,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  fill,
  formatNumber,
  flowLocales,
  settled,
  TEXTS,
  UiLocale,
  type WatchedPage,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console browser tests') ? describe : describe.skip;
// A real browser on a shared machine: each test signs in, renders and runs axe-core.
jest.setTimeout(120_000);

describeWithBrowser('Staff console in a real browser (Chromium)', () => {
  const c = new ConsoleBrowser();
  let t: TestApp;
  let base: string;
  let admin: ConsoleMember;
  let marketer: ConsoleMember;
  let owner: ConsoleMember;
  let featuredId: string;
  const api = <T>(url: string) => c.api<T>(url);
  const page = (viewport?: { width: number; height: number }) => c.page(viewport);
  const signedIn = (who: ConsoleMember, locale: UiLocale, viewport?: { width: number; height: number }) =>
    c.signedIn(who, locale, viewport);
  const expectAccessible = (p: WatchedPage, name: string) => c.expectAccessible(p, name);

  beforeAll(async () => {
    await c.start();
    ({ t, base } = c);
    admin = await c.member(StaffRole.Admin, 'Мария Админова');
    marketer = await c.member(StaffRole.Marketer, 'Олег Маркетов');
    owner = await c.member(StaffRole.SalesOps, 'Анна Смирнова');

    // 30 clients: more than a page (25), in two cities, of every category, some owned.
    const categories = [Category.Vip, Category.A, Category.B, Category.C];
    for (let i = 0; i < 30; i += 1) {
      await createClient(t.dataSource, {
        name: `ООО «Тест ${String(i).padStart(2, '0')}»`,
        addressCity: i % 3 === 0 ? 'Пермь' : 'Екатеринбург',
        categoryOverride: categories[i % 4],
        stage: i % 2 ? Stage.Client : Stage.Prospect,
        ownerId: i % 5 === 0 ? owner.id : null,
        tags: i % 4 === 0 ? ['dealer'] : [],
      });
    }
    const featured = await createClient(t.dataSource, {
      name: 'ООО «Ромашка»',
      email: 'info@romashka.example',
      contactName: 'Иван Петров',
      addressCity: 'Екатеринбург',
      ownerId: owner.id,
      categoryOverride: Category.Vip,
      stage: Stage.Client,
      tags: ['dealer', 'ural'],
    });
    featuredId = featured.id;
    await createPurchase(t.dataSource, featured.id, 15000, daysAgo(20));
    // A preference change through the API (the consent log) and a category change (the history).
    await t
      .http()
      .put(`/api/v1/clients/${featured.id}/preferences`)
      .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
      .send({ channels: { sms: false } })
      .expect(200);

    // Deliveries: one sent today, one suppressed by the frequency cap; a run in flight.
    const monthly = await createCampaign(t.dataSource, { name: 'Ежемесячная рассылка' });
    const past = await createRun(t.dataSource, monthly, daysAgo(1), 'p1', RunStatus.Completed);
    await createDelivery(t.dataSource, past, featured.id, {
      status: DeliveryStatus.Suppressed,
      reason: DeliveryReason.FrequencyCap,
      scheduledAt: daysAgo(1),
    });
    const letter = await createCampaign(t.dataSource, { name: 'Письмо CEO', channels: [Channel.Letter] });
    const today = await createRun(t.dataSource, letter, new Date(), 'p2', RunStatus.Dispatching);
    const others = (await api<{ items: { id: string }[] }>('/api/v1/clients?limit=10')).items
      .map((c) => c.id)
      .filter((id) => id !== featured.id);
    await createDelivery(t.dataSource, today, featured.id, {
      channel: Channel.Letter,
      status: DeliveryStatus.Sent,
      sentAt: new Date(),
    });
    await createDeliveries(t.dataSource, today, others, { channel: Channel.Letter });
  });

  afterAll(() => c.close());

  describe('signing in and out', () => {
    it('signs in through the form, lands on the overview, and signs out (the session is gone)', async () => {
      const p = await page();
      const ui = TEXTS.ru;
      await p.goto(`${base}/console/`);
      await p.waitForURL(/\/console\/sign-in/);
      await p.getByLabel(ui.signIn.email).fill(admin.email);
      await p.getByLabel(ui.signIn.password, { exact: true }).fill(TEST_PASSWORD);
      await p.getByRole('button', { name: ui.signIn.submit }).click();
      await p.waitForURL(/\/console\/overview/);
      await expectHeading(p, ui.overview.title);
      const cookies = await p.context().cookies();
      const session = cookies.find((c) => c.name === 'tb_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

      // The account menu opens with an animation: a click that lands while it moves is lost, so the
      // person opens the menu and picks "sign out" again.
      for (let attempt = 1; ; attempt++) {
        const item = p.getByRole('menuitem', { name: ui.account.signOut, exact: true });
        if (!(await item.isVisible())) {
          await p.getByRole('button', { name: new RegExp(ui.account.menu) }).click();
        }
        await item.click();
        const signedOut = await p
          .waitForURL(/\/console\/sign-in/, { timeout: 10_000 })
          .then(() => true)
          .catch((e: unknown) => (attempt < 3 ? false : Promise.reject(e)));
        if (signedOut) break;
      }
      const after = await p.request.get(`${base}/api/v1/auth/session`);
      expect(after.status()).toBe(401);
      expect(p.problems).toEqual([]);
    });

    it('goes back to where the person was going after signing in', async () => {
      const p = await page();
      await p.goto(`${base}/console/clients/${featuredId}`);
      await p.waitForURL(/\/console\/sign-in\?next=/);
      await p.getByLabel(TEXTS.en.signIn.email).or(p.getByLabel(TEXTS.ru.signIn.email)).fill(admin.email);
      await p.locator('input[type=password]').fill(TEST_PASSWORD);
      await p.locator('button[type=submit]').click();
      await p.waitForURL(new RegExp(`/console/clients/${featuredId}$`));
    });

    for (const locale of flowLocales()) {
      it(`${locale}: a wrong password and an unknown address get the same clear message`, async () => {
        const ui = TEXTS[locale];
        const p = await page();
        await p.goto(`${base}/console/sign-in`);
        await chooseLanguage(p, locale);
        for (const email of [admin.email, 'nobody@example.com']) {
          await p.getByLabel(ui.signIn.email).fill(email);
          await p.getByLabel(ui.signIn.password, { exact: true }).fill('not the password');
          await p.getByRole('button', { name: ui.signIn.submit }).click();
          await expect(p.getByRole('alert').first().textContent()).resolves.toBe(ui.signIn.wrong);
        }
        expect(p.url()).toMatch(/\/console\/sign-in$/);
        await expectAccessible(p, `sign-in-wrong-${locale}`);
      });
    }

    it('says when to try again once sign-in is throttled (429 with Retry-After)', async () => {
      const { staff } = await createStaffWithPassword(t.dataSource, StaffRole.Marketer, {
        name: 'Throttled',
      });
      // Failures for this address from other addresses (the per-address limit, not this browser's).
      let last = 0;
      for (let i = 0; i < 10 && last !== 429; i += 1) {
        const res = await t
          .http()
          .post('/api/v1/auth/sign-in')
          .set('X-Forwarded-For', `203.0.113.${i + 10}`)
          .send({ email: staff.email, password: 'wrong password!' });
        last = res.status;
      }
      expect(last).toBe(429);
      const p = await page();
      const ui = TEXTS.en;
      await p.goto(`${base}/console/sign-in`);
      await chooseLanguage(p, 'en');
      await p.getByLabel(ui.signIn.email).fill(staff.email);
      await p.getByLabel(ui.signIn.password, { exact: true }).fill(TEST_PASSWORD);
      const [answer] = await Promise.all([
        p.waitForResponse((r) => r.url().endsWith('/api/v1/auth/sign-in')),
        p.getByRole('button', { name: ui.signIn.submit }).click(),
      ]);
      expect(answer.status()).toBe(429);
      const minutes = Math.ceil(Number(answer.headers()['retry-after']) / 60);
      await expect(p.getByRole('alert').first().textContent()).resolves.toBe(
        fill(ui.signIn.throttled, { minutes }),
      );
      expect(p.problems).toEqual([]);
    });

    it('"sign out everywhere" ends the other sessions of the person too', async () => {
      const first = await signedIn(marketer, 'en');
      const second = await signedIn(marketer, 'en');
      await first.page.goto(`${base}/console/overview`);
      await first.page.getByRole('button', { name: new RegExp(TEXTS.en.account.menu) }).click();
      await first.page.getByRole('menuitem', { name: TEXTS.en.account.signOutEverywhere }).click();
      await first.page.waitForURL(/\/console\/sign-in/);
      expect((await second.page.request.get(`${base}/api/v1/auth/session`)).status()).toBe(401);
      await second.page.goto(`${base}/console/overview`);
      await second.page.waitForURL(/\/console\/sign-in/);
    });

    for (const locale of flowLocales()) {
      it(`${locale}: the forgot-password and set-password pages`, async () => {
        const ui = TEXTS[locale];
        const p = await page();
        await p.goto(`${base}/console/forgot-password`);
        await chooseLanguage(p, locale);
        await expectHeading(p, ui.forgot.title);
        await p.getByLabel(ui.signIn.email).fill(marketer.email);
        await p.getByRole('button', { name: ui.forgot.submit }).click();
        await expect(p.getByRole('status').first().textContent()).resolves.toContain(ui.forgot.sent);
        await expectAccessible(p, `forgot-password-${locale}`);

        await p.goto(`${base}/console/set-password?token=not-a-real-token`);
        await expectHeading(p, ui.setPassword.title);
        await p.getByLabel(ui.setPassword.password, { exact: true }).fill('a long enough password');
        await p.getByLabel(ui.setPassword.confirm).fill('a long enough password');
        const [answer] = await Promise.all([
          p.waitForResponse((r) => r.url().endsWith('/api/v1/auth/password')),
          p.getByRole('button', { name: ui.setPassword.submit }).click(),
        ]);
        expect(answer.status()).toBe(400);
        const { message } = (await answer.json()) as { message: string };
        await expect(p.getByRole('alert').first().textContent()).resolves.toContain(message);
        await expectAccessible(p, `set-password-error-${locale}`);
      });
    }
  });

  for (const locale of flowLocales()) {
    describe(`${locale}: the screens show what the API answers`, () => {
      const ui = TEXTS[locale];
      const n = (v: number) => formatNumber(v, locale);

      it('overview: sent today, CEO-letter coverage, VIPs cooling, calls due, suppressions, runs, next 7 days', async () => {
        const { page: p } = await signedIn(admin, locale);
        await p.goto(`${base}/console/overview`);
        await expectHeading(p, ui.overview.title);
        expect(await p.evaluate<string>('document.documentElement.lang')).toBe(locale);
        await p.getByTestId('sent-today').waitFor();
        const o = await api<{
          sentToday: Record<string, number>;
          ceoLetterCoverage: { reached: number; eligible: number };
          vipsCooling: { count: number };
          callsDueToday: { count: number; overdue: number };
          suppressions30d: { reason: string; count: number }[];
          runsInFlight: { campaignName: string; done: number; total: number }[];
          upcoming: { campaignName: string }[];
        }>('/api/v1/overview');
        expect(o.sentToday.letter).toBeGreaterThanOrEqual(1);
        for (const channel of ['email', 'sms', 'call', 'letter']) {
          await expect(
            p.getByTestId(`sent-${channel}`).locator('.ant-statistic-content-value').textContent(),
          ).resolves.toBe(n(o.sentToday[channel]));
        }
        await expect(p.getByTestId('ceo-coverage').textContent()).resolves.toBe(
          fill(ui.overview.ceoReached, {
            reached: n(o.ceoLetterCoverage.reached),
            eligible: n(o.ceoLetterCoverage.eligible),
          }),
        );
        await expect(
          p.getByTestId('vips-cooling').locator('.ant-statistic-content-value').textContent(),
        ).resolves.toBe(n(o.vipsCooling.count));
        await expect(
          p.getByTestId('calls-due').locator('.ant-statistic-content-value').textContent(),
        ).resolves.toBe(n(o.callsDueToday.count));
        await expect(p.getByTestId('calls-overdue').textContent()).resolves.toBe(
          fill(ui.overview.callsOverdue, { count: o.callsDueToday.overdue }),
        );
        // The suppressions: a row per reason, in words, with the API's count (and the chart drawn).
        expect(o.suppressions30d).toContainEqual({ reason: DeliveryReason.FrequencyCap, count: 1 });
        const rows = p.getByTestId('suppressions').locator('tbody tr');
        await expect(rows.count()).resolves.toBe(o.suppressions30d.length);
        for (const s of o.suppressions30d) {
          const words = (ui.reason as Record<string, string>)[s.reason];
          await expect(rows.filter({ hasText: words }).locator('td').last().textContent()).resolves.toBe(
            String(s.count),
          );
        }
        await p.locator('canvas').first().waitFor();
        // Runs in flight with their progress.
        expect(o.runsInFlight.map((r) => r.campaignName)).toContain('Письмо CEO');
        for (const r of o.runsInFlight) {
          await expect(p.getByTestId('runs-in-flight').textContent()).resolves.toContain(
            fill(ui.overview.progress, { done: n(r.done), total: n(r.total) }),
          );
        }
        const upcoming = p.getByTestId('upcoming').locator('tbody tr');
        if (o.upcoming.length) await expect(upcoming.count()).resolves.toBe(o.upcoming.length);
        else await expect(p.getByText(ui.overview.upcomingEmpty).count()).resolves.toBe(1);
        await expectAccessible(p, `overview-${locale}`);
      });

      it('clients: the first page, a city filter, next and previous pages, as the API lists them', async () => {
        const { page: p } = await signedIn(admin, locale);
        await p.goto(`${base}/console/clients`);
        await expectHeading(p, ui.clients.title);
        // The name column (after the selection's checkboxes, which an admin has).
        const names = () =>
          p
            .locator('.ant-table-tbody tr.ant-table-row td:not(.ant-table-selection-column) a')
            .allTextContents();
        const listed = async (query: string) =>
          await api<{ items: { name: string }[]; nextCursor: string | null }>(
            `/api/v1/clients?limit=25${query}`,
          );
        const expectNames = async (expected: string[]) =>
          expect(await settled(names, expected)).toEqual(expected);
        const first = await listed('');
        await expectNames(first.items.map((c) => c.name));
        expect(first.nextCursor).not.toBeNull();

        await p.getByRole('button', { name: ui.common.next }).click();
        const second = await listed(`&cursor=${encodeURIComponent(first.nextCursor!)}`);
        await p.getByText(fill(ui.common.page, { n: 2 })).waitFor();
        await expectNames(second.items.map((c) => c.name));
        await p.getByRole('button', { name: ui.common.previous }).click();
        await expectNames(first.items.map((c) => c.name));

        await p.getByLabel(ui.clients.city).fill('Пермь');
        await p.getByRole('button', { name: ui.common.search, exact: true }).click();
        const perm = await listed(`&city=${encodeURIComponent('Пермь')}`);
        expect(perm.items.length).toBeGreaterThan(0);
        await expectNames(perm.items.map((c) => c.name));

        await p.getByRole('button', { name: ui.common.reset }).click();
        await p.getByLabel(ui.clients.search).fill('Ромашка');
        await p.getByLabel(ui.clients.search).press('Enter');
        await expectNames(['ООО «Ромашка»']);
        await expectAccessible(p, `clients-${locale}`);
      });

      it('client page: contact data, category and stage with history, preferences, consent log, timeline', async () => {
        const { page: p } = await signedIn(admin, locale);
        await p.goto(`${base}/console/clients/${featuredId}`);
        await expectHeading(p, 'ООО «Ромашка»');
        const contact = p.getByTestId('client-contact');
        await expect(contact.textContent()).resolves.toContain('info@romashka.example');
        await expect(contact.textContent()).resolves.toContain('Иван Петров');
        await expect(contact.textContent()).resolves.toContain(owner.name);
        await expect(p.getByTestId('client-category').textContent()).resolves.toBe(ui.category.VIP);
        await expect(p.getByTestId('client-stage').textContent()).resolves.toBe(ui.stage.client);

        const history = await api<unknown[]>(`/api/v1/clients/${featuredId}/history`);
        const historyRows = p.getByTestId('client-history').locator('tbody tr.ant-table-row');
        expect(await settled(() => historyRows.count(), history.length)).toBe(history.length);

        const prefs = p.getByTestId('client-preferences');
        await prefs.waitFor();
        const channels = await prefs.textContent();
        expect(channels).toContain(ui.channel.email);
        expect(channels).not.toContain(ui.channel.sms);

        const consent = await api<{ items: { item: string }[] }>(`/api/v1/clients/${featuredId}/consent-log`);
        expect(consent.items.length).toBeGreaterThan(0);
        const consentRows = p.getByTestId('client-consent').locator('tbody tr.ant-table-row');
        const shown = Math.min(consent.items.length, 8);
        expect(await settled(() => consentRows.count(), shown)).toBe(shown);
        // The newest entry is the SMS channel switched off, in words.
        expect(consent.items[0]).toMatchObject({ item: 'channel.sms', oldValue: true, newValue: false });
        await expect(consentRows.first().textContent()).resolves.toContain(
          `${ui.consentItem.channel}: ${ui.channel.sms}${ui.common.yes} → ${ui.common.no}`,
        );

        const timeline = await api<{ items: { type: string; data: Record<string, unknown> }[] }>(
          `/api/v1/clients/${featuredId}/timeline?limit=50`,
        );
        const items = p.getByTestId('client-timeline').locator('li');
        expect(await settled(() => items.count(), timeline.items.length)).toBe(timeline.items.length);
        const suppressed = timeline.items.find(
          (e) => e.type === 'delivery' && e.data.status === 'suppressed',
        )!;
        const why =
          typeof suppressed.data.explanation === 'string'
            ? suppressed.data.explanation
            : ui.reason['frequency-cap'];
        const row = items.filter({ hasText: ui.deliveryStatus.suppressed });
        await expect(row.textContent()).resolves.toContain(fill(ui.client.why, { why }));
        const sentTag = p.locator('.ant-tag', { hasText: new RegExp(`^${ui.deliveryStatus.sent}$`) });
        await expect(items.filter({ has: sentTag }).count()).resolves.toBe(1);
        await expectAccessible(p, `client-${locale}`);
      });

      it('staff (admin): the list as the API has it; invite, change the role, deactivate', async () => {
        const { page: p } = await signedIn(admin, locale);
        await p.goto(`${base}/console/settings`);
        await p.getByRole('link', { name: ui.settings.staffLink }).click();
        await p.waitForURL(/\/console\/settings\/staff$/);
        await p.getByRole('button', { name: ui.staff.invite }).waitFor();
        await expectHeading(p, ui.staff.title);
        const rows = p.locator('.ant-table-tbody tr.ant-table-row');
        const listed = async () => (await api<{ items: { email: string }[] }>('/api/v1/staff')).items;
        const count = (await listed()).length;
        expect(await settled(() => rows.count(), count)).toBe(count);
        await expectAccessible(p, `staff-${locale}`);

        const email = `invited-${locale}@example.com`;
        await p.getByRole('button', { name: ui.staff.invite }).click();
        const dialog = p.getByRole('dialog');
        await dialog.getByLabel(ui.staff.name).fill(`Invited ${locale}`);
        await dialog.getByLabel(ui.staff.email).fill(email);
        await dialog.getByRole('button', { name: ui.staff.invite }).click();
        await p.getByText(fill(ui.staff.invited, { email })).waitFor();
        expect((await listed()).map((s) => s.email)).toContain(email);
        const invited = rows.filter({ hasText: email });
        await invited.waitFor();

        await invited.getByLabel(fill(ui.staff.changeRole, { name: `Invited ${locale}` })).click();
        // The visible option (antd also keeps a hidden list of the options for screen readers).
        await p
          .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
            hasText: ui.account.role['sales-ops'],
          })
          .click();
        const find = async () =>
          (
            await api<{ items: { email: string; role: string; active: boolean }[] }>('/api/v1/staff')
          ).items.find((s) => s.email === email);
        expect(await settled(async () => (await find())?.role, 'sales-ops')).toBe('sales-ops');

        await invited.getByRole('button', { name: ui.staff.deactivate }).click();
        await p.getByRole('tooltip').getByRole('button', { name: ui.staff.deactivate }).click();
        expect(await settled(async () => (await find())?.active, false)).toBe(false);
        await invited.getByRole('button', { name: ui.staff.activate }).waitFor();
        expect(p.problems).toEqual([]);
      });
    });
  }

  it('a marketer sees no staff management, and the API refuses it when forced (403)', async () => {
    const { page: p, csrfToken } = await signedIn(marketer, 'en');
    const ui = TEXTS.en;
    await p.goto(`${base}/console/settings`);
    await expectHeading(p, ui.settings.title);
    await expect(p.getByRole('link', { name: ui.settings.staffLink }).count()).resolves.toBe(0);
    await p.goto(`${base}/console/settings/staff`);
    await p.getByText(ui.errors.forbidden).waitFor();
    await expect(p.getByRole('button', { name: ui.staff.invite }).count()).resolves.toBe(0);
    const forced = await p.request.post(`${base}/api/v1/staff/invitations`, {
      data: { email: 'sneaky@example.com', name: 'Sneaky', role: 'admin' },
      headers: { 'X-CSRF-Token': csrfToken },
    });
    expect(forced.status()).toBe(403);
    await expectAccessible(p, 'staff-forbidden-en');
  });

  it('a session cookie without its CSRF token cannot write; with it, it can', async () => {
    const { page: p, csrfToken } = await signedIn(marketer, 'ru');
    await p.goto(`${base}/console/overview`);
    const put = (headers: Record<string, string>) =>
      p.evaluate(
        async ({ headers }) => {
          const res = await fetch('/api/v1/me/locale', {
            method: 'PUT',
            credentials: 'include',
            headers: { 'Content-Type': 'application/json', ...headers },
            body: JSON.stringify({ locale: 'en' }),
          });
          return { status: res.status, body: (await res.json()) as { message?: string } };
        },
        { headers },
      );
    const without = await put({});
    expect(without.status).toBe(403);
    expect(without.body.message).toMatch(/CSRF/i);
    expect((await put({ 'X-CSRF-Token': 'not-the-token' })).status).toBe(403);
    expect((await put({ 'X-CSRF-Token': csrfToken })).status).toBe(200);
  });

  it('the ru/en switch is remembered for the person (PUT /me/locale), in the next session too', async () => {
    const { page: p } = await signedIn(owner, 'ru');
    await p.goto(`${base}/console/overview`);
    await expectHeading(p, TEXTS.ru.overview.title);
    await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/api/v1/me/locale') && r.status() === 200),
      chooseLanguage(p, 'en'),
    ]);
    await expectHeading(p, TEXTS.en.overview.title);
    const other = await page();
    const res = await other.request.post(`${base}/api/v1/auth/sign-in`, {
      data: { email: owner.email, password: TEST_PASSWORD },
    });
    expect(((await res.json()) as { staff: { locale: string } }).staff.locale).toBe('en');
    await other.goto(`${base}/console/overview`);
    await expectHeading(other, TEXTS.en.overview.title);
  });

  it('at 768 px the menu is collapsed and still works; the keyboard reaches the skip link first', async () => {
    const { page: p } = await signedIn(admin, 'ru', { width: 768, height: 900 });
    const ui = TEXTS.ru;
    await p.goto(`${base}/console/overview`);
    await p.getByTestId('sent-today').waitFor();
    await p.keyboard.press('Tab');
    expect(await p.evaluate<string>('document.activeElement.textContent')).toBe(ui.app.skip);
    await expect(p.locator('.ant-layout-sider-collapsed').count()).resolves.toBe(1);
    await p
      .getByRole('navigation', { name: ui.nav.label })
      .getByRole('link', { name: ui.nav.clients })
      .click();
    await p.waitForURL(/\/console\/clients$/);
    await expectHeading(p, ui.clients.title);
    await expectAccessible(p, 'clients-ru-768');
  });

  it('an answer the screen did not expect is shown with its message, never a blank page', async () => {
    const { page: p } = await signedIn(admin, 'en');
    await p.goto(`${base}/console/clients/00000000-0000-4000-8000-000000000000`);
    const alert = p.getByRole('alert').first();
    await alert.waitFor();
    const res = await t
      .http()
      .get('/api/v1/clients/00000000-0000-4000-8000-000000000000')
      .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
      .expect(404);
    await expect(alert.textContent()).resolves.toContain(res.body.message);
  });
});
