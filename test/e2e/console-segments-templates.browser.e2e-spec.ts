import type { Locator } from 'playwright-core';
import { Category } from '@touchbase/clients';
import { StaffRole } from '@touchbase/core';
import { createClient } from '../factories/client.factory';
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
  const post = async <T>(url: string, body: object): Promise<T> =>
    (await t.http().post(url).set('Authorization', `Bearer ${TEST_ADMIN_KEY}`).send(body).expect(200))
      .body as T;

  beforeAll(async () => {
    await c.start();
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

  afterAll(() => c.close());

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
});
