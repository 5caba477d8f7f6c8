import { StaffRole } from '@touchbase/core';
import { generateDkimPrivateKey } from '@touchbase/email';
import { createClient } from '../factories/client.factory';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  flowLocales,
  TEXTS,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console deliverability browser tests')
  ? describe
  : describe.skip;
jest.setTimeout(180_000);

interface DeliverabilityBody {
  dkim: {
    configured: boolean;
    domain: string | null;
    selector: string | null;
    record: { name: string; strings: string[] } | null;
  };
  inbound: { verpExample: string | null; smtpPort: number | null; imapMailbox: string | null };
  events: {
    id: string;
    kind: string;
    outcome: string;
    recipient: string | null;
    statusCode: string | null;
  }[];
}

describeWithBrowser('Console: the deliverability card in settings (Chromium)', () => {
  const c = new ConsoleBrowser();
  let admin: ConsoleMember;
  let marketer: ConsoleMember;
  let recipient: string;

  beforeAll(async () => {
    await c.start({
      DKIM_DOMAIN: 'alfa.example',
      DKIM_SELECTOR: 'tb1',
      DKIM_PRIVATE_KEY: generateDkimPrivateKey(),
      BOUNCE_DOMAIN: 'bounce.alfa.example',
      INBOUND_SMTP_PORT: '2525',
    });
    admin = await c.member(StaffRole.Admin, 'Админ Доставляемости');
    marketer = await c.member(StaffRole.Marketer, 'Маркетолог Доставляемости');
    const client = await createClient(c.t.dataSource);
    recipient = client.email!;
    await c.t.dataSource.query(
      `INSERT INTO inbound_bounce_events (via, kind, outcome, client_id, recipient, status_code, size_bytes, received_at)
       VALUES ('smtp', 'hard-bounce', 'bounced', $1, $2, '5.1.1', 2048, now() - interval '1 hour'),
              ('imap', 'complaint', 'opted-out', $1, $2, NULL, 4096, now())`,
      [client.id, recipient],
    );
  });
  afterAll(() => c.close());

  for (const locale of flowLocales()) {
    it(`shows DKIM, VERP, the intake and the latest events as the API does (${locale})`, async () => {
      const tx = TEXTS[locale];
      const body = await c.api<DeliverabilityBody>('/api/v1/deliverability');
      expect(body.dkim).toMatchObject({ configured: true, domain: 'alfa.example', selector: 'tb1' });
      expect(body.dkim.record!.name).toBe('tb1._domainkey.alfa.example');
      expect(body.events.map((e) => e.kind)).toEqual(['complaint', 'hard-bounce']);

      for (const viewport of [
        { width: 1280, height: 1000 },
        { width: 768, height: 1000 },
      ]) {
        const { page } = await c.signedIn(admin, locale, viewport);
        await page.goto(`${c.base}/console/settings`);
        await expectHeading(page, tx.settings.title);
        const card = page.getByTestId('deliverability-card');
        await card.getByRole('heading', { name: tx.deliverability.title }).waitFor();
        await page.getByTestId('deliverability-events').getByRole('row').nth(2).waitFor();
        await expect(card.getByTestId('dkim-status').textContent()).resolves.toContain(
          tx.deliverability.dkimOn,
        );
        await expect(card.getByTestId('dkim-status').textContent()).resolves.toContain('alfa.example');
        const record = (await card.getByTestId('dkim-record').textContent()) ?? '';
        expect(record).toContain(body.dkim.record!.strings.map((s) => `"${s}"`).join(' '));
        await expect(card.getByTestId('verp-status').textContent()).resolves.toBe(body.inbound.verpExample);
        await expect(card.getByTestId('smtp-status').textContent()).resolves.toBe(
          tx.deliverability.port.replace('{{port}}', '2525'),
        );
        await expect(card.getByTestId('imap-status').textContent()).resolves.toBe(tx.deliverability.off);
        const rows = page.getByTestId('deliverability-events').locator('tbody tr[data-row-key]');
        await expect(rows.count()).resolves.toBe(2);
        const first = (await rows.nth(0).textContent()) ?? '';
        expect(first).toContain(tx.deliverability.kind.complaint);
        expect(first).toContain(tx.deliverability.outcome['opted-out']);
        expect(first).toContain(recipient);
        const second = (await rows.nth(1).textContent()) ?? '';
        expect(second).toContain(tx.deliverability.kind['hard-bounce']);
        expect(second).toContain(tx.deliverability.outcome.bounced);
        expect(second).toContain('5.1.1');
        await c.expectAccessible(page, `deliverability-${locale}-${viewport.width}`);
      }
    });
  }

  it('is for admins only: a marketer sees no card and the API refuses them', async () => {
    const { page } = await c.signedIn(marketer, 'ru');
    await page.goto(`${c.base}/console/settings`);
    await expectHeading(page, TEXTS.ru.settings.title);
    await page.getByTestId('settings-home').waitFor();
    await expect(page.getByTestId('deliverability-card').count()).resolves.toBe(0);
    const res = await page.request.get(`${c.base}/api/v1/deliverability`);
    expect(res.status()).toBe(403);
  });
});
