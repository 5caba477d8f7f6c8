import type { Locator, Page } from 'playwright-core';
import { StaffRole } from '@touchbase/core';
import { createClient } from '../factories/client.factory';
import { planCallTasks } from './calls-support';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  fill,
  flowLocales,
  settled,
  TEXTS,
  type WatchedPage,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console client base browser tests') ? describe : describe.skip;
jest.setTimeout(150_000);

const ZONE = 'Asia/Yekaterinburg';

interface ApiClient {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  owner: { id: string } | null;
  address: { city: string | null; lines: string[] };
  tags: string[];
  archivedAt: string | null;
  erasedAt: string | null;
}

describeWithBrowser('Console: keeping the client base, in a real browser (Chromium)', () => {
  const c = new ConsoleBrowser();
  let admin: ConsoleMember;
  let salesOps: ConsoleMember;
  let marketer: ConsoleMember;
  let anna: ConsoleMember;
  let boris: ConsoleMember;

  beforeAll(async () => {
    await c.start({ DISPATCH_CHANNELS: 'call,letter' }, { withWorker: true });
    admin = await c.member(StaffRole.Admin, 'Мария Админова');
    salesOps = await c.member(StaffRole.SalesOps, 'Светлана Базова');
    marketer = await c.member(StaffRole.Marketer, 'Олег Маркетов');
    anna = await c.member(StaffRole.SalesOps, 'Анна Уходящая');
    boris = await c.member(StaffRole.SalesOps, 'Борис Принимающий');
  });
  afterAll(() => c.close());

  const client = (id: string) => c.api<ApiClient>(`/api/v1/clients/${id}`);

  /** Picks an option of an antd select by typing its label and pressing Enter (the keyboard path). */
  async function choose(p: WatchedPage, label: string, option: string, scope: Locator | Page = p) {
    const box = scope.getByLabel(label, { exact: true });
    await box.focus();
    await p.keyboard.press('ArrowDown');
    await box.pressSequentially(option);
    await p
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option-active', {
        hasText: option,
      })
      .waitFor();
    await p.keyboard.press('Enter');
    // On to the next field: the list closes.
    await p.keyboard.press('Tab');
    await p.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'hidden' });
  }

  for (const locale of flowLocales()) {
    const ui = TEXTS[locale];
    const cb = ui.clientBase;

    it(`${locale}: creates a client, sees a bad email refused on its field, edits and archives it`, async () => {
      const { page: p } = await c.signedIn(salesOps, locale);
      await p.goto(`${c.base}/console/clients`);
      await expectHeading(p, ui.clients.title);
      await p.getByRole('button', { name: cb.new }).click();
      const drawer = p.getByRole('dialog', { name: cb.createTitle });
      await drawer.waitFor();
      const name = `ООО «Новый ${locale}»`;
      await drawer.getByLabel(cb.field.name).fill(name);
      await drawer.getByLabel(cb.field.email).fill('not-an-email');
      await drawer.getByLabel(cb.field.city).fill('Пермь');
      await choose(p, cb.field.owner, anna.name, drawer);
      await c.expectAccessible(p, `client-create-${locale}`);
      await drawer.getByRole('button', { name: ui.common.save }).click();
      // The API's answer, on the field it is about.
      await drawer.locator('.ant-form-item-has-error', { has: p.getByLabel(cb.field.email) }).waitFor();
      await expect(
        drawer.locator('.ant-form-item-has-error .ant-form-item-explain').textContent(),
      ).resolves.toMatch(/email/);

      await drawer.getByLabel(cb.field.email).fill(`new-${locale}@example.ru`);
      await drawer.getByRole('button', { name: ui.common.save }).click();
      await p.waitForURL(/\/console\/clients\/[0-9a-f-]{36}$/);
      await expectHeading(p, name);
      const id = p.url().split('/').pop()!;
      await expect(client(id)).resolves.toMatchObject({
        name,
        email: `new-${locale}@example.ru`,
        owner: { id: anna.id },
        address: { city: 'Пермь' },
      });

      await p.getByRole('button', { name: cb.edit }).click();
      const edit = p.getByRole('dialog', { name: fill(cb.editTitle, { name }) });
      await edit.getByLabel(cb.field.phone).fill('+7 912 000-11-22');
      await edit.getByLabel(cb.field.lines).fill('ул. Ленина, д. 1\nоф. 5');
      await edit.getByRole('button', { name: ui.common.save }).click();
      await edit.waitFor({ state: 'hidden' });
      expect(await settled(async () => (await client(id)).phone, '+79120001122')).toBe('+79120001122');
      await expect(client(id)).resolves.toMatchObject({ address: { lines: ['ул. Ленина, д. 1', 'оф. 5'] } });
      await p.getByText('+79120001122').first().waitFor();

      await p.getByRole('button', { name: cb.archive }).click();
      const confirm = p.getByRole('dialog');
      await confirm.getByRole('button', { name: cb.archive }).click();
      // The confirmation fades out (its own "archive" button with it) before the page's button counts.
      await confirm.waitFor({ state: 'hidden' });
      await p.getByRole('button', { name: cb.unarchive }).waitFor();
      const archived = () => client(id).then((row) => row.archivedAt !== null);
      expect(await settled(archived, true)).toBe(true);
      await c.expectAccessible(p, `client-archived-${locale}`);
      await p.getByRole('button', { name: cb.unarchive }).click();
      await p.getByRole('button', { name: cb.archive }).waitFor();
      expect(await settled(archived, false)).toBe(false);
    });

    it(`${locale}: an admin erases a client only after typing its name`, async () => {
      const target = await createClient(c.t.dataSource, {
        name: `ООО «Стереть ${locale}»`,
        email: `erase-${locale}@example.ru`,
      });
      const { page: p } = await c.signedIn(admin, locale);
      await p.goto(`${c.base}/console/clients/${target.id}`);
      await expectHeading(p, target.name);
      await p.getByRole('button', { name: cb.erase }).click();
      const dialog = p.getByRole('dialog', { name: cb.eraseTitle });
      const confirm = dialog.getByRole('button', { name: cb.eraseConfirm });
      await expect(confirm.isDisabled()).resolves.toBe(true);
      await dialog.getByLabel(fill(cb.eraseType, { name: target.name })).fill('не то');
      await expect(confirm.isDisabled()).resolves.toBe(true);
      await c.expectAccessible(p, `client-erase-${locale}`);
      await dialog.getByLabel(fill(cb.eraseType, { name: target.name })).fill(target.name);
      await confirm.click();
      await p.getByText(cb.erasedTag).waitFor();
      const erased = await client(target.id);
      expect(erased.erasedAt).not.toBeNull();
      expect(erased.email).toBeNull();
    });

    it(`${locale}: all clients of a leaving owner go to another, and their open call tasks follow`, async () => {
      const tag = `leaving-${locale}`;
      const mine: { id: string }[] = [];
      for (let i = 0; i < 3; i += 1) {
        mine.push(
          await createClient(c.t.dataSource, {
            name: `ООО «Анна ${locale} ${i}»`,
            ownerId: anna.id,
            tags: [tag],
            timeZone: ZONE,
          }),
        );
      }
      await planCallTasks(c.t, tag, ZONE);
      const openTasks = async (owner: string) =>
        (
          await c.api<{ items: { client: { id: string } }[] }>(
            `/api/v1/call-tasks?owner=${owner}&status=open&limit=500`,
          )
        ).items
          .map((task) => task.client.id)
          .filter((id) => mine.some((m) => m.id === id))
          .sort();
      const ids = mine.map((m) => m.id).sort();
      await expect(openTasks(anna.id)).resolves.toEqual(ids);

      const { page: p } = await c.signedIn(salesOps, locale);
      await p.goto(`${c.base}/console/clients`);
      await expectHeading(p, ui.clients.title);
      await choose(p, ui.clients.owner, anna.name);
      await p.getByRole('button', { name: cb.reassign.all }).click();
      const dialog = p.getByRole('dialog', { name: fill(cb.reassign.titleAll, { name: anna.name }) });
      await dialog.waitFor();
      await choose(p, cb.reassign.to, boris.name, dialog);
      await c.expectAccessible(p, `clients-reassign-${locale}`);
      await dialog.getByRole('button', { name: cb.reassign.submit }).click();
      await dialog.waitFor({ state: 'hidden' });

      for (const m of mine) expect((await client(m.id)).owner?.id).toBe(boris.id);
      await expect(openTasks(boris.id)).resolves.toEqual(ids);
      await expect(openTasks(anna.id)).resolves.toEqual([]);
      // Anna has none left: the filtered list is empty.
      await expect(p.locator('tbody tr.ant-table-row').count()).resolves.toBe(0);
    });

    it(`${locale}: a selection of clients changes owner`, async () => {
      const picked: { id: string; name: string }[] = [];
      for (let i = 0; i < 2; i += 1) {
        picked.push(
          await createClient(c.t.dataSource, { name: `ООО «Выбор ${locale} ${i}»`, ownerId: boris.id }),
        );
      }
      const { page: p } = await c.signedIn(salesOps, locale);
      await p.goto(`${c.base}/console/clients`);
      await expectHeading(p, ui.clients.title);
      await p.getByLabel(ui.clients.search).fill(`Выбор ${locale}`);
      await p.getByLabel(ui.clients.search).press('Enter');
      await expect(settled(() => p.locator('tbody tr.ant-table-row').count(), 2)).resolves.toBe(2);
      for (const one of picked) await p.getByLabel(fill(cb.reassign.select, { name: one.name })).check();
      await p.getByRole('button', { name: fill(cb.reassign.selected, { count: 2 }) }).click();
      const dialog = p.getByRole('dialog', { name: fill(cb.reassign.titleSelected, { count: 2 }) });
      await choose(p, cb.reassign.to, cb.noOwner, dialog);
      await dialog.getByRole('button', { name: cb.reassign.submit }).click();
      await dialog.waitFor({ state: 'hidden' });
      for (const one of picked) expect((await client(one.id)).owner).toBeNull();
      await c.expectAccessible(p, `clients-selection-${locale}`);
    });
  }

  it('a marketer sees no editing, archiving or owner changes', async () => {
    const target = await createClient(c.t.dataSource, { name: 'ООО «Только чтение»' });
    const { page: p } = await c.signedIn(marketer, 'en');
    await p.goto(`${c.base}/console/clients/${target.id}`);
    await expectHeading(p, target.name);
    await expect(p.getByRole('button', { name: TEXTS.en.clientBase.edit }).count()).resolves.toBe(0);
    await expect(p.getByRole('button', { name: TEXTS.en.clientBase.archive }).count()).resolves.toBe(0);
    await p.goto(`${c.base}/console/clients`);
    await expectHeading(p, TEXTS.en.clients.title);
    await expect(p.getByRole('button', { name: TEXTS.en.clientBase.new }).count()).resolves.toBe(0);
    await expect(p.locator('.ant-table-selection-column').count()).resolves.toBe(0);
  });
});
