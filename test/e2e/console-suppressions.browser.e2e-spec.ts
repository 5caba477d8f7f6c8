import { StaffRole } from '@touchbase/core';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  TEXTS,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console suppression list browser tests')
  ? describe
  : describe.skip;
jest.setTimeout(180_000);

interface SuppressionBody {
  items: { id: string; address: string; reason: string; removedReason: string | null }[];
}

describeWithBrowser('Console: the suppression list in settings (Chromium)', () => {
  const c = new ConsoleBrowser();
  let admin: ConsoleMember;

  beforeAll(async () => {
    await c.start();
    admin = await c.member(StaffRole.Admin, 'Админ Списка Запрета');
    await c.t.dataSource.query(
      `INSERT INTO suppressions (channel, address, reason, source, note)
       VALUES ('email', 'bounced@example.org', 'hard-bounce', 'client x', '2 hard bounces'),
              ('sms', '+79125550011', 'sms-stop', 'twilio', NULL)`,
    );
  });
  afterAll(() => c.close());

  it('adds an address, then removes it only with a reason (en)', async () => {
    const tx = TEXTS.en;
    const { page } = await c.signedIn(admin, 'en', { width: 1280, height: 1000 });
    await page.goto(`${c.base}/console/settings`);
    await expectHeading(page, tx.settings.title);
    const card = page.getByTestId('suppression-card');
    await card.getByRole('heading', { name: tx.suppression.title }).waitFor();
    await card.getByText('bounced@example.org').waitFor();

    await card.getByTestId('suppression-add').click();
    await page.getByTestId('suppression-address').fill('Someone@Example.org');
    await page.getByRole('button', { name: tx.suppression.add, exact: true }).last().click();
    await card.getByText('someone@example.org').waitFor();
    const added = (await c.api<SuppressionBody>('/api/v1/suppressions?search=someone')).items;
    expect(added).toEqual([expect.objectContaining({ address: 'someone@example.org', reason: 'manual' })]);

    await card.getByTestId(`suppression-remove-${added[0].id}`).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: tx.suppression.remove }).click();
    await dialog.getByText(tx.suppression.removeReasonRequired).waitFor();
    await page.getByTestId('suppression-remove-reason').fill('Asked to get the newsletter again');
    await dialog.getByRole('button', { name: tx.suppression.remove }).click();
    await card.getByText('someone@example.org').waitFor({ state: 'detached' });
    const history = (await c.api<SuppressionBody>('/api/v1/suppressions?search=someone&includeRemoved=true'))
      .items;
    expect(history).toEqual([
      expect.objectContaining({ removedReason: 'Asked to get the newsletter again' }),
    ]);
  });

  it('reads in Russian and passes axe at 1280 and 768 px (ru)', async () => {
    const tx = TEXTS.ru;
    for (const viewport of [
      { width: 1280, height: 1000 },
      { width: 768, height: 1000 },
    ]) {
      const { page } = await c.signedIn(admin, 'ru', viewport);
      await page.goto(`${c.base}/console/settings`);
      await expectHeading(page, tx.settings.title);
      const card = page.getByTestId('suppression-card');
      await card.getByRole('heading', { name: tx.suppression.title }).waitFor();
      await card.getByText('+79125550011').waitFor();
      const text = (await card.getByTestId('suppression-table').textContent()) ?? '';
      expect(text).toContain(tx.suppression.reason['hard-bounce']);
      expect(text).toContain(tx.suppression.reason['sms-stop']);
      await c.expectAccessible(page, `suppressions-ru-${viewport.width}`);
    }
  });
});
