import type { Locator } from 'playwright-core';
import { Category } from '@touchbase/clients';
import { StaffRole } from '@touchbase/core';
import { createClient } from '../factories/client.factory';
import { SmtpSink } from '../support/smtp-sink';
import { TEST_ADMIN_KEY, type TestApp } from '../support/test-app';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  fill,
  formatNumber,
  LOCALES,
  settled,
  TEXTS,
  type UiLocale,
  type WatchedPage,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console segments and templates browser tests')
  ? describe
  : describe.skip;
// A real browser on a shared machine: each test signs in, renders and runs axe-core.
jest.setTimeout(180_000);

const NARROW = { width: 768, height: 1000 };

interface CountAnswer {
  ruleHash: string;
  count: number;
  exact: boolean;
  sample: { id: string; name: string }[];
}

const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Picks options of an antd select (the select found by its accessible name inside `scope`). */
async function pick(p: WatchedPage, scope: Locator, name: string, ...options: string[]): Promise<void> {
  const select = scope.locator('.ant-select').filter({ has: p.getByRole('combobox', { name, exact: true }) });
  await select.click();
  for (const option of options) {
    await p
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
      .filter({ hasText: exactly(option) })
      .click();
    if (options.length > 1) {
      await select
        .locator('.ant-select-selection-item')
        .filter({ hasText: exactly(option) })
        .waitFor();
    }
  }
  // A multiple select stays open: closed, and its list gone, before the next step (and axe-core).
  if (options.length > 1) await p.keyboard.press('Escape');
  await expect(
    settled(() => p.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count(), 0),
  ).resolves.toBe(0);
}

describeWithBrowser('Console: segments and templates in a real browser (Chromium)', () => {
  const c = new ConsoleBrowser();
  let t: TestApp;
  let base: string;
  let marketer: ConsoleMember;
  let sink: SmtpSink;
  const post = async <T>(url: string, body: object): Promise<T> =>
    (await t.http().post(url).set('Authorization', `Bearer ${TEST_ADMIN_KEY}`).send(body).expect(200))
      .body as T;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    await c.start({ EMAIL_DRIVER: 'smtp', SMTP_URL: sink.url, EMAIL_FROM: 'Альфа <noreply@alfa.example>' });
    ({ t, base } = c);
    marketer = await c.member(StaffRole.Marketer, 'Олег Маркетов');
    // Irbit: two VIP/A clients without the dealer tag match; the others miss one condition each.
    const irbit = 'Ирбит';
    await createClient(t.dataSource, {
      name: 'ООО «Ирбит-Вип»',
      addressCity: irbit,
      categoryOverride: Category.Vip,
    });
    await createClient(t.dataSource, {
      name: 'ООО «Ирбит-А»',
      addressCity: irbit,
      categoryOverride: Category.A,
      tags: ['ural'],
    });
    await createClient(t.dataSource, {
      name: 'ООО «Ирбит-Дилер»',
      addressCity: irbit,
      categoryOverride: Category.A,
      tags: ['dealer'],
    });
    await createClient(t.dataSource, {
      name: 'ООО «Ирбит-Бэ»',
      addressCity: irbit,
      categoryOverride: Category.B,
    });
    await createClient(t.dataSource, {
      name: 'ООО «Пермь-Вип»',
      addressCity: 'Пермь',
      categoryOverride: Category.Vip,
    });
  });

  afterAll(async () => {
    await c.close();
    await sink?.close();
  });

  describe('segments', () => {
    for (const locale of LOCALES) {
      it(`${locale}: builds a three-condition segment whose live count is the API's, saves it and lists it`, async () => {
        const ui = TEXTS[locale];
        const { page: p } = await c.signedIn(marketer, locale);
        await p.goto(`${base}/console/segments`);
        await expectHeading(p, ui.segments.title);
        await p.getByRole('link', { name: ui.segments.create }).click();
        await expectHeading(p, ui.segments.newTitle);
        const name = `Ирбит VIP и A без дилеров (${locale})`;
        await p.getByLabel(ui.segments.name, { exact: true }).fill(name);

        const root = p.locator('.tb-rule-group').first();
        const conditions = p.locator('.tb-rule-condition');
        // 1: category is one of VIP, A.
        await root.getByRole('button', { name: ui.segments.group.addCondition }).first().click();
        await pick(p, conditions.nth(0), ui.segments.condition.op, ui.segments.op.in);
        const categoryValue = `${ui.segments.condition.value}: ${ui.segments.field.category}`;
        await pick(p, conditions.nth(0), categoryValue, ui.category.VIP, ui.category.A);
        // 2: city is Irbit.
        await root.getByRole('button', { name: ui.segments.group.addCondition }).first().click();
        await pick(p, conditions.nth(1), ui.segments.condition.field, ui.segments.field.city);
        await conditions
          .nth(1)
          .getByLabel(`${ui.segments.condition.value}: ${ui.segments.field.city}`)
          .fill('Ирбит');
        // 3: a "none of" group: has the tag dealer.
        await root.getByRole('button', { name: ui.segments.group.addGroup }).first().click();
        const nested = p.locator('.tb-rule-group').nth(1);
        await pick(p, nested, ui.segments.group.label, ui.segments.group.not);
        await pick(p, conditions.nth(2), ui.segments.condition.field, ui.segments.field.tags);
        await conditions
          .nth(2)
          .getByLabel(`${ui.segments.condition.value}: ${ui.segments.field.tags}`)
          .fill('dealer');

        const rules = {
          all: [
            { field: 'category', op: 'in', value: ['VIP', 'A'] },
            { field: 'city', op: 'eq', value: 'Ирбит' },
            { not: { field: 'tags', op: 'contains', value: 'dealer' } },
          ],
        };
        const expected = await post<CountAnswer>('/api/v1/segments/count', { rules });
        expect(expected).toMatchObject({ exact: true, count: 2 });
        const number = p.locator('.tb-live-count-number');
        await expect(settled(() => number.textContent(), formatNumber(expected.count, locale))).resolves.toBe(
          formatNumber(expected.count, locale),
        );
        const sample = p.locator('.tb-segment-side tbody tr a');
        const names = expected.sample.map((s) => s.name);
        await expect(settled(() => sample.allTextContents(), names)).resolves.toEqual(names);
        expect(names.sort()).toEqual(['ООО «Ирбит-А»', 'ООО «Ирбит-Вип»']);
        await expect(sample.first().getAttribute('href')).resolves.toBe(
          `/console/clients/${expected.sample[0].id}`,
        );
        await c.expectAccessible(p, `segment-builder-${locale}-1280`);
        await p.setViewportSize(NARROW);
        await c.expectAccessible(p, `segment-builder-${locale}-768`);
        await p.setViewportSize({ width: 1280, height: 900 });

        await p.getByRole('button', { name: ui.segments.save }).click();
        await p.waitForURL(/\/console\/segments\/[0-9a-f-]{36}$/);
        await expectHeading(p, fill(ui.segments.editTitle, { name }));
        const id = p.url().split('/').pop()!;
        const saved = await c.api<{ rules: unknown }>(`/api/v1/segments/${id}`);
        expect(saved.rules).toEqual(rules);

        await p.goto(`${base}/console/segments`);
        await expectHeading(p, ui.segments.title);
        const row = p.locator('tbody tr').filter({ has: p.getByRole('link', { name, exact: true }) });
        const listed = await c.api<CountAnswer>(`/api/v1/segments/${id}/count`);
        await expect(
          settled(() => row.getByTestId('segment-count').textContent(), formatNumber(listed.count, locale)),
        ).resolves.toBe(formatNumber(listed.count, locale));
        await expect(row.textContent()).resolves.toContain(ui.segments.noCampaigns);
        await c.expectAccessible(p, `segments-list-${locale}-1280`);
        await p.setViewportSize(NARROW);
        await c.expectAccessible(p, `segments-list-${locale}-768`);
      });
    }

    for (const locale of LOCALES) {
      it(`${locale}: an estimate is marked as such until the exact count arrives`, async () => {
        const ui = TEXTS[locale];
        const { page: p } = await c.signedIn(marketer, locale);
        const everyone = await post<CountAnswer>('/api/v1/segments/count', { rules: { all: [] } });
        // A count too slow to be exact in time: the API's answer turned into an estimate (off by
        // 1000), and its hash answers that estimate until the test lets the real (exact) one through.
        const estimates = new Map<string, number>();
        let release = false;
        await p.route('**/api/v1/segments/count', async (route) => {
          const response = await route.fetch();
          if (response.status() !== 200) return route.fulfill({ response });
          const real = (await response.json()) as CountAnswer;
          estimates.set(real.ruleHash, real.count + 1000);
          await route.fulfill({
            json: { ruleHash: real.ruleHash, count: real.count + 1000, exact: false, sample: [] },
          });
        });
        await p.route('**/api/v1/segments/counts/*', async (route) => {
          const hash = route.request().url().split('/').pop()!;
          if (release || !estimates.has(hash)) return route.continue();
          await route.fulfill({
            json: { ruleHash: hash, count: estimates.get(hash), exact: false, sample: [] },
          });
        });
        await p.goto(`${base}/console/segments/new`);
        await expectHeading(p, ui.segments.newTitle);
        const number = p.locator('.tb-live-count-number');
        const estimate = formatNumber(everyone.count + 1000, locale);
        await expect(settled(() => number.textContent(), estimate)).resolves.toBe(estimate);
        await expect(p.locator('.tb-live-count').getByText(ui.segments.estimate).count()).resolves.toBe(1);
        await expect(p.locator('.tb-segment-side').textContent()).resolves.toContain(
          ui.segments.sampleWaiting,
        );
        await c.expectAccessible(p, `segment-builder-estimate-${locale}`);

        release = true;
        const exact = formatNumber(everyone.count, locale);
        await expect(settled(() => number.textContent(), exact)).resolves.toBe(exact);
        await expect(number.getAttribute('data-exact')).resolves.toBe('true');
        await expect(p.locator('.tb-live-count').getByText(ui.segments.estimate).count()).resolves.toBe(0);
        await expect(p.locator('.tb-segment-side tbody tr a').count()).resolves.toBe(
          Math.min(everyone.count, 10),
        );
      });
    }

    it('deletes a segment no campaign uses after confirming; one in use cannot be deleted', async () => {
      const ui = TEXTS.ru;
      const rules = { all: [{ field: 'city', op: 'eq', value: 'Ирбит' }] };
      const created = await t
        .http()
        .post('/api/v1/segments')
        .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
        .send({ name: 'Временный сегмент', rules })
        .expect(201);
      const { page: p } = await c.signedIn(marketer, 'ru');
      await p.goto(`${base}/console/segments`);
      await expectHeading(p, ui.segments.title);
      const row = (name: string) =>
        p.locator('tbody tr').filter({ has: p.getByRole('link', { name, exact: true }) });
      // A segment a campaign targets: its delete is not offered.
      const campaigns = await c.api<{ items: { segmentId: string | null }[] }>('/api/v1/campaigns?limit=500');
      const segments = await c.api<{ items: { id: string; name: string }[] }>('/api/v1/segments?limit=500');
      const used = segments.items.find((s) => campaigns.items.some((k) => k.segmentId === s.id))!;
      await expect(
        settled(() => row(used.name).getByRole('button', { name: ui.segments.delete }).isDisabled(), true),
      ).resolves.toBe(true);

      await row('Временный сегмент').getByRole('button', { name: ui.segments.delete }).click();
      await p.locator('.ant-popconfirm').getByRole('button', { name: ui.segments.delete }).click();
      await expect(settled(() => row('Временный сегмент').count(), 0)).resolves.toBe(0);
      await t
        .http()
        .get(`/api/v1/segments/${created.body.id}`)
        .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
        .expect(404);
    });

    it('shows the API field error at the condition it belongs to', async () => {
      const ui = TEXTS.en;
      const { page: p } = await c.signedIn(marketer, 'en');
      await p.goto(`${base}/console/segments/new`);
      await expectHeading(p, ui.segments.newTitle);
      const root = p.locator('.tb-rule-group').first();
      await root.getByRole('button', { name: ui.segments.group.addCondition }).first().click();
      await root.getByRole('button', { name: ui.segments.group.addCondition }).first().click();
      await pick(
        p,
        p.locator('.tb-rule-condition').nth(1),
        ui.segments.condition.field,
        ui.segments.field.city,
      );
      // The second condition has no city yet: the API names rules.all[1].value.
      const bad = await t
        .http()
        .post('/api/v1/segments/count')
        .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
        .send({
          rules: {
            all: [
              { field: 'category', op: 'eq', value: null },
              { field: 'city', op: 'eq', value: null },
            ],
          },
        })
        .expect(400);
      const fields = (bad.body.details as { field: string }[]).map((d) => d.field);
      expect(fields).toEqual(['rules.all[0].value', 'rules.all[1].value']);
      const problem = p.locator('.tb-rule-condition').nth(1).locator('.tb-rule-problem');
      await problem.waitFor();
      await expect(problem.textContent()).resolves.toContain(ui.segments.problem);
      await expect(p.locator('.tb-live-count').textContent()).resolves.toBe(ui.segments.ruleInvalid);
      await c.expectAccessible(p, 'segment-builder-invalid-en');
    });
  });

  describe('templates', () => {
    const ids: Record<string, string> = {};
    let clientId: string;
    const CLIENT = 'ООО «Ромашка-Превью»';
    const create = async (body: object): Promise<string> =>
      (
        await t
          .http()
          .post('/api/v1/templates')
          .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
          .send(body)
          .expect(201)
      ).body.id as string;

    beforeAll(async () => {
      clientId = (
        await createClient(t.dataSource, { name: CLIENT, addressCity: 'Тюмень', ownerId: marketer.id })
      ).id;
      for (const locale of LOCALES) {
        ids[`email-${locale}`] = await create({
          name: 'tb-welcome',
          channel: 'email',
          locale,
          subject: locale === 'ru' ? 'Здравствуйте, {{client.name}}' : 'Hello, {{client.name}}',
          body: `<p>${locale === 'ru' ? 'Здравствуйте' : 'Hello'}, {{client.name}}!</p>`,
        });
        ids[`sms-${locale}`] = await create({
          name: 'tb-reminder',
          channel: 'sms',
          locale,
          body: locale === 'ru' ? 'Здравствуйте, {{client.name}}! Ждём вас.' : 'Hello {{client.name}}!',
        });
      }
      for (const locale of LOCALES) {
        ids[`note-${locale}`] = await create({
          name: `tb-note-${locale}`,
          channel: 'call',
          locale: 'ru',
          body: 'Позвонить {{client.name}} и уточнить контакты.',
        });
      }
      ids.letter = await create({
        name: 'tb-thanks',
        channel: 'letter',
        locale: 'ru',
        body: 'Уважаемый {{client.name}}!\n\nБлагодарим за сотрудничество.',
      });
    });

    /** The client to preview for, picked in the search select. */
    async function pickClient(p: WatchedPage, locale: UiLocale): Promise<void> {
      const ui = TEXTS[locale];
      const select = p
        .locator('.ant-select')
        .filter({ has: p.getByRole('combobox', { name: ui.templates.previewClient, exact: true }) });
      await select.click();
      await p.keyboard.type('Ромашка-Превью');
      const option = p
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
        .filter({ hasText: CLIENT });
      // The options are the search's answer: the active one is the client once it has arrived.
      await option.and(p.locator('.ant-select-item-option-active')).waitFor();
      await p.keyboard.press('Enter');
      const open = p.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
      if ((await settled(() => open.count(), 0, 10)) > 0) await p.keyboard.press('Escape');
      await expect(settled(() => open.count(), 0)).resolves.toBe(0);
      await expect(select.textContent()).resolves.toContain(CLIENT);
    }

    /** Replaces the editor's text (inserted at once, as a paste: no autocompletion in the way). */
    async function setCode(p: WatchedPage, code: string): Promise<void> {
      await p.locator('.cm-content').click();
      await p.keyboard.press('ControlOrMeta+a');
      await p.keyboard.insertText(code);
      await p.keyboard.press('Escape');
    }

    it('lists templates by name with their languages, filtered by channel', async () => {
      for (const locale of LOCALES) {
        const ui = TEXTS[locale];
        const { page: p } = await c.signedIn(marketer, locale);
        await p.goto(`${base}/console/templates`);
        await expectHeading(p, ui.templates.title);
        const row = p
          .locator('tbody tr')
          .filter({ has: p.getByRole('link', { name: 'tb-welcome', exact: true }) });
        await row.waitFor();
        await expect(row.locator('.ant-tag').allTextContents()).resolves.toEqual(['RU', 'EN']);
        await expect(row.textContent()).resolves.toContain(ui.channel.email);
        await c.expectAccessible(p, `templates-list-${locale}-1280`);
        await pick(p, p.locator('.tb-filters'), ui.templates.filterChannel, ui.channel.sms);
        await p.waitForURL(/channel=sms/);
        const api = await c.api<{ items: { name: string }[] }>('/api/v1/templates?channel=sms');
        const names = [...new Set(api.items.map((i) => i.name))].sort();
        const shown = p.locator('tbody tr td:first-child a');
        await expect(settled(async () => (await shown.allTextContents()).sort(), names)).resolves.toEqual(
          names,
        );
        await p.setViewportSize(NARROW);
        await c.expectAccessible(p, `templates-list-${locale}-768`);
      }
    });

    for (const locale of LOCALES) {
      it(`${locale}: a handlebars error is shown at its line, then fixed, previewed for a client in ru and en, test-sent`, async () => {
        const ui = TEXTS[locale];
        const id = ids[`email-ru`];
        const { page: p } = await c.signedIn(marketer, locale);
        await p.goto(`${base}/console/templates/${id}`);
        await expectHeading(p, fill(ui.templates.editTitle, { name: 'tb-welcome' }));
        await p.locator('.cm-content').waitFor();

        const broken = [
          '<p>Здравствуйте, {{client.name}}!</p>',
          '<p>Ваш менеджер: {{owner.name}}</p>',
          '<p>{{client.nickname}}</p>',
        ].join('\n');
        await setCode(p, broken);
        const check = await post<{
          errors: { line: number; column: number; message: string; variable?: string }[];
        }>('/api/v1/templates/validate', {
          channel: 'email',
          locale: 'ru',
          subject: 'Здравствуйте, {{client.name}}',
          body: broken,
        });
        expect(check.errors).toHaveLength(1);
        const [problem] = check.errors;
        expect(problem).toMatchObject({ line: 3, column: 6, variable: 'client.nickname' });
        // Underlined where it is: on the third line of the editor, the unknown variable.
        const underline = p.locator('.cm-content .cm-lintRange-error');
        await underline.first().waitFor();
        await expect(underline.first().textContent()).resolves.toBe('client.nickname');
        // The 1-based line of the editor holding the underline.
        const lineOf = () =>
          p
            .locator('.cm-content .cm-line')
            .evaluateAll((lines) => lines.findIndex((l) => l.querySelector('.cm-lintRange-error')) + 1);
        await expect(lineOf()).resolves.toBe(problem.line);
        await expect(p.locator('.cm-gutter-lint .cm-lint-marker-error').count()).resolves.toBe(1);
        // And in the list below, with its place.
        const listed = p.locator('.tb-problem-list li');
        // An unknown variable is told in the person's language, with what the message does have.
        const available = /available: (.*)$/.exec(problem.message)![1];
        expect(available).toContain('client.name');
        await expect(listed.allTextContents()).resolves.toEqual([
          `${fill(ui.templates.at, { line: problem.line, column: problem.column })}: ${fill(
            ui.templates.unknownVariable,
            { variable: 'client.nickname', available },
          )}`,
        ]);
        await c.expectAccessible(p, `template-error-${locale}-1280`);

        // Fixed: no problem left, saved.
        const fixed = ['<p>Здравствуйте, {{client.name}}!</p>', '<p>Ваш менеджер: {{owner.name}}</p>'].join(
          '\n',
        );
        await setCode(p, fixed);
        await p.locator('.tb-template-problems').getByText(ui.templates.noProblems).waitFor();
        await expect(settled(() => p.locator('.cm-lintRange-error').count(), 0)).resolves.toBe(0);
        await p.getByRole('button', { name: ui.templates.save }).click();
        await expect(
          settled(async () => (await c.api<{ body: string }>(`/api/v1/templates/${id}`)).body, fixed),
        ).resolves.toBe(fixed);

        // Previewed for a client, in each language.
        await pickClient(p, locale);
        for (const version of LOCALES) {
          await p.getByRole('tab', { name: ui.templates.localeName[version] }).click();
          const panel = p.getByRole('tabpanel');
          const expected = await post<{ subject: string; html: string; text: string }>(
            `/api/v1/templates/${ids[`email-${version}`]}/preview`,
            { clientId },
          );
          expect(expected.subject).toContain(CLIENT);
          const subject = panel.getByTestId('preview-subject');
          await expect(settled(() => subject.textContent(), expected.subject)).resolves.toBe(
            expected.subject,
          );
          const frame = p.frameLocator('[role=tabpanel]:not([aria-hidden=true]) iframe.tb-preview-frame');
          await expect(frame.locator('body').textContent()).resolves.toContain(CLIENT);
          await expect(panel.locator('iframe').getAttribute('sandbox')).resolves.toBe('');
          await expect(panel.locator('pre.tb-preview-text').textContent()).resolves.toBe(expected.text);
        }
        await c.expectAccessible(p, `template-preview-${locale}-1280`);
        await p.setViewportSize(NARROW);
        await c.expectAccessible(p, `template-preview-${locale}-768`);

        // Test-sent to an address: it reaches the mail server.
        const to = `marketer-${locale}@alfa.example`;
        const panel = p.getByRole('tabpanel');
        await panel.getByLabel(ui.templates.testSendTo).fill(to);
        await panel.getByRole('button', { name: ui.templates.testSendButton }).click();
        await panel.getByRole('alert').filter({ hasText: to }).waitFor();
        await expect(settled(() => Promise.resolve(sink.to(to).length), 1)).resolves.toBe(1);
        const [mail] = sink.to(to);
        expect(mail.subject).toBe(`[TEST] Hello, ${CLIENT}`);
        expect(mail.html).toContain(CLIENT);
      });
    }

    for (const locale of LOCALES) {
      it(`${locale}: adds a version in another language, starting from the template`, async () => {
        const ui = TEXTS[locale];
        const name = `tb-note-${locale}`;
        const { page: p } = await c.signedIn(marketer, locale);
        await p.goto(`${base}/console/templates/${ids[`note-${locale}`]}`);
        await expectHeading(p, fill(ui.templates.editTitle, { name }));
        await p
          .getByRole('link', { name: fill(ui.templates.addLocale, { locale: ui.templates.localeName.en }) })
          .click();
        await expectHeading(p, ui.templates.newTitle);
        await expect(p.getByLabel(ui.templates.name, { exact: true }).inputValue()).resolves.toBe(name);
        await expect(p.locator('.cm-content').textContent()).resolves.toBe(
          'Позвонить {{client.name}} и уточнить контакты.',
        );
        await c.expectAccessible(p, `template-new-${locale}-1280`);
        await setCode(p, 'Call {{client.name}} to check the contact details.');
        // The variables are offered after "{{": the account manager's name, picked from the list.
        await p.keyboard.press('ControlOrMeta+End');
        await p.keyboard.type(' {{own');
        await p.locator('.cm-tooltip-autocomplete li').filter({ hasText: 'owner.name' }).first().click();
        const english = 'Call {{client.name}} to check the contact details. {{owner.name}}';
        await expect(settled(() => p.locator('.cm-content').textContent(), english)).resolves.toBe(english);
        await p.locator('.tb-template-problems').getByText(ui.templates.noProblems).waitFor();
        await p.getByRole('button', { name: ui.templates.save }).click();
        await expectHeading(p, fill(ui.templates.editTitle, { name }));
        const versions = await c.api<{ items: { id: string; locale: string; body: string }[] }>(
          `/api/v1/templates?name=${name}`,
        );
        const en = versions.items.find((v) => v.locale === 'en')!;
        expect(en.body).toBe(english);
        await p.waitForURL(new RegExp(`/console/templates/${en.id}$`));
        await p.setViewportSize(NARROW);
        await c.expectAccessible(p, `template-edit-${locale}-768`);
      });
    }

    for (const locale of LOCALES) {
      it(`${locale}: SMS preview shows the API's segment count and cost; a letter opens as a PDF`, async () => {
        const ui = TEXTS[locale];
        const { page: p } = await c.signedIn(marketer, locale);
        await p.goto(`${base}/console/templates/${ids['sms-ru']}`);
        await expectHeading(p, fill(ui.templates.editTitle, { name: 'tb-reminder' }));
        await pickClient(p, locale);
        for (const version of LOCALES) {
          await p.getByRole('tab', { name: ui.templates.localeName[version] }).click();
          const panel = p.getByRole('tabpanel');
          const sms = await post<{ segments: number; costEstimate: number; currency: string; text: string }>(
            `/api/v1/templates/${ids['sms-ru']}/preview/sms`,
            { clientId, locale: version },
          );
          const segments = panel.getByTestId('sms-segments');
          await expect(
            settled(() => segments.textContent(), formatNumber(sms.segments, locale)),
          ).resolves.toBe(formatNumber(sms.segments, locale));
          await expect(panel.getByTestId('sms-cost').textContent()).resolves.toBe(
            new Intl.NumberFormat(locale, {
              style: 'currency',
              currency: sms.currency,
              maximumFractionDigits: 2,
            }).format(sms.costEstimate),
          );
          await expect(panel.locator('pre.tb-preview-text').textContent()).resolves.toBe(sms.text);
          expect(sms.text).toContain(CLIENT);
        }
        await c.expectAccessible(p, `template-sms-${locale}-1280`);

        await p.goto(`${base}/console/templates/${ids.letter}`);
        await expectHeading(p, fill(ui.templates.editTitle, { name: 'tb-thanks' }));
        await pickClient(p, locale);
        const link = p.getByRole('tabpanel').locator('a.tb-letter-pdf');
        await link.waitFor();
        const pdf = await p.request.get(`${base}${await link.getAttribute('href')}`);
        expect(pdf.status()).toBe(200);
        expect(pdf.headers()['content-type']).toBe('application/pdf');
        expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
        await c.expectAccessible(p, `template-letter-${locale}-1280`);
      });
    }
  });

  describe('what sales-ops may not change', () => {
    for (const locale of LOCALES) {
      it(`${locale}: segments and templates are shown, not offered for change`, async () => {
        const ui = TEXTS[locale];
        const sales = await c.member(StaffRole.SalesOps, `Анна Продажина ${locale}`);
        const { page: p } = await c.signedIn(sales, locale);
        const segments = await c.api<{ items: { id: string; name: string }[] }>('/api/v1/segments?limit=1');
        const [segment] = segments.items;
        await p.goto(`${base}/console/segments`);
        await expectHeading(p, ui.segments.title);
        await p.getByRole('link', { name: segment.name, exact: true }).waitFor();
        await expect(p.getByRole('link', { name: ui.segments.create }).count()).resolves.toBe(0);
        await expect(p.getByRole('button', { name: ui.segments.delete }).count()).resolves.toBe(0);

        await p.goto(`${base}/console/segments/${segment.id}`);
        await expectHeading(p, fill(ui.segments.editTitle, { name: segment.name }));
        await p.getByText(ui.segments.readOnly).waitFor();
        await expect(p.getByRole('button', { name: ui.segments.save }).count()).resolves.toBe(0);
        await expect(p.getByRole('button', { name: ui.segments.group.addCondition }).count()).resolves.toBe(
          0,
        );
        await c.expectAccessible(p, `segment-read-only-${locale}`);

        const templates = await c.api<{ items: { id: string; name: string; locale: string }[] }>(
          '/api/v1/templates?channel=email&locale=ru',
        );
        const [template] = templates.items;
        await p.goto(`${base}/console/templates/${template.id}`);
        await expectHeading(p, fill(ui.templates.editTitle, { name: template.name }));
        await p.getByText(ui.templates.readOnly).waitFor();
        await expect(p.getByRole('button', { name: ui.templates.save }).count()).resolves.toBe(0);
        await expect(p.locator('.cm-content').getAttribute('contenteditable')).resolves.toBe('false');
        await c.expectAccessible(p, `template-read-only-${locale}`);
      });
    }
  });
});
