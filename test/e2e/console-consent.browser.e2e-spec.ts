import { Channel, StaffRole } from '@touchbase/core';
import { ConsentSource, PreferencesService, staffContext } from '@touchbase/preferences';
import { createClient } from '../factories/client.factory';
import { TEST_ADMIN_KEY } from '../support/test-app';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  flowLocales,
  LOCALES,
  TEXTS,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console consent browser tests') ? describe : describe.skip;
jest.setTimeout(180_000);

describeWithBrowser('Console: consent proof on the client page and the topic editor (Chromium)', () => {
  const c = new ConsoleBrowser();
  let admin: ConsoleMember;
  let clientId: string;
  let clientName: string;

  beforeAll(async () => {
    await c.start();
    admin = await c.member(StaffRole.Admin, 'Админ Согласий');
    const client = await createClient(c.t.dataSource, { name: 'ООО «Согласие»' });
    clientId = client.id;
    clientName = client.name;
    const preferences = c.t.app.get(PreferencesService);
    const context = { ...staffContext(admin.id, ConsentSource.AdminApi), wordingVersion: 'paper-form/4' };
    await preferences.recordConsent(client.id, [Channel.Email, Channel.Sms], true, context);
    await preferences.recordConsent(client.id, [Channel.Sms], false, { ...context, wordingVersion: null });
  });
  afterAll(() => c.close());

  it.each(flowLocales())(
    'shows the consent log and downloads the evidence and the personal data (%s)',
    async (l) => {
      const tx = TEXTS[l];
      const { page } = await c.signedIn(admin, l, { width: 1280, height: 1000 });
      await page.goto(`${c.base}/console/clients/${clientId}`);
      await expectHeading(page, clientName);
      const card = page.getByTestId('client-consent-proof');
      await card.getByRole('heading', { name: tx.consent.title }).waitFor();
      const rows = card.getByTestId('client-consent-proof-log').locator('tbody tr.ant-table-row');
      await rows.nth(2).waitFor();
      expect(await rows.count()).toBe(3);
      // Newest first: the SMS withdrawal.
      const newest = (await rows.first().textContent()) ?? '';
      expect(newest).toContain(tx.consent.actions.withdrawn);
      expect(await card.getByTestId('client-consent-proof-log').textContent()).toContain('paper-form/4');
      const state = (await card.getByTestId('client-consent-state').textContent()) ?? '';
      expect(state).toContain(tx.consent.given);
      expect(state).toContain(tx.consent.withdrawn);

      for (const [label, type] of [
        [tx.consent.csv, 'text/csv'],
        [tx.consent.pdf, 'application/pdf'],
        [tx.consent.personalData, 'application/json'],
      ] as const) {
        const href = await card.getByRole('link', { name: label }).getAttribute('href');
        const res = await page.request.get(`${c.base}${href}`);
        expect(res.status()).toBe(200);
        expect(res.headers()['content-type']).toContain(type);
      }
    },
  );

  it.each(flowLocales())('marks a topic as needing consent in the topic editor (%s)', async (l) => {
    const tx = TEXTS[l];
    const key = `promo-${l}-${Date.now().toString(36)}`;
    await c.t
      .http()
      .post('/api/v1/topics')
      .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
      .send({ key, nameRu: `Акции ${l}`, nameEn: `Offers ${l}` })
      .expect(201);
    const { page } = await c.signedIn(admin, l, { width: 1280, height: 1000 });
    await page.goto(`${c.base}/console/settings/topics`);
    await expectHeading(page, tx.settingsAdmin.topics.title);
    const name = l === 'ru' ? `Акции ${l}` : `Offers ${l}`;
    await page.getByRole('button', { name: `${tx.settingsAdmin.edit}: ${name}` }).click();
    const dialog = page.getByRole('dialog');
    // The editor fills its form as it opens: a switch turned before that is turned back, so the
    // person looks again and turns it on until it stays on.
    const toggle = dialog.getByRole('switch', { name: tx.consent.requiresConsent });
    for (let attempt = 0; attempt < 5; attempt++) {
      if ((await toggle.getAttribute('aria-checked')) !== 'true') await toggle.click();
      await page.waitForTimeout(300);
      if ((await toggle.getAttribute('aria-checked')) === 'true') break;
    }
    await dialog.getByRole('button', { name: tx.settingsAdmin.save }).click();
    await dialog.waitFor({ state: 'detached' });
    const topic = await c.api<{ requiresConsent: boolean }>(`/api/v1/topics/${key}`);
    expect(topic.requiresConsent).toBe(true);
    await page.getByTestId('topics').getByText(tx.consent.requiresConsentTag).first().waitFor();
  });

  it('reads well and passes axe at 1280 and 768 px in both languages', async () => {
    for (const l of LOCALES) {
      for (const viewport of [
        { width: 1280, height: 1000 },
        { width: 768, height: 1000 },
      ]) {
        const tx = TEXTS[l];
        const { page } = await c.signedIn(admin, l, viewport);
        await page.goto(`${c.base}/console/clients/${clientId}`);
        await expectHeading(page, clientName);
        const card = page.getByTestId('client-consent-proof');
        await card.getByRole('heading', { name: tx.consent.title }).waitFor();
        await card.getByTestId('client-consent-proof-log').locator('tbody tr.ant-table-row').nth(2).waitFor();
        await card.scrollIntoViewIfNeeded();
        await c.expectAccessible(page, `consent-${l}-${viewport.width}`);
      }
    }
  });
});
