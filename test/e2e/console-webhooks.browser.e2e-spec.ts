import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { StaffRole } from '@touchbase/core';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  fill,
  flowLocales,
  TEXTS,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console webhooks browser tests') ? describe : describe.skip;
jest.setTimeout(240_000);

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

interface EndpointBody {
  id: string;
  url: string;
  eventTypes: string[];
  active: boolean;
  disabledReason: string | null;
  lastSuccessAt: string | null;
}

interface DeliveryBody {
  eventId: string;
  type: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
}

/** A receiver on this machine that records what it gets and answers 200. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

describeWithBrowser('Console: webhooks in settings (Chromium)', () => {
  const c = new ConsoleBrowser();
  let admin: ConsoleMember;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  // The first flow's endpoint and its secret, for the second.
  let endpointId = '';
  let firstSecret = '';

  beforeAll(async () => {
    // The worker in the process delivers what the screen queues.
    await c.start({ WEBHOOK_POLL_MS: '100', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }, { withWorker: true });
    admin = await c.member(StaffRole.Admin, 'Админ Вебхуков');
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver?.server.close(resolve));
    await c.close();
  });

  for (const locale of flowLocales()) {
    it(`creates an endpoint, copies its secret, sends a test ping and sees it delivered (${locale})`, async () => {
      const tx = TEXTS[locale];
      const { page } = await c.signedIn(admin, locale, { width: 1280, height: 1000 });
      await page.goto(`${c.base}/console/settings`);
      await expectHeading(page, tx.settings.title);
      // Reached from the settings home.
      await page.getByRole('link', { name: tx.webhooks.homeLink, exact: true }).click();
      await expectHeading(page, tx.webhooks.title);
      await page.getByText(tx.webhooks.empty).waitFor();
      await c.expectAccessible(page, `webhooks-${locale}-1280-empty`);

      await page.getByTestId('webhook-add').click();
      await page.getByTestId('webhook-url').fill(receiver.url);
      await page.getByTestId('webhook-description').fill('CRM');
      await page.getByTestId('webhook-event-types').click();
      const options = page.locator(
        '.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option',
      );
      await options.filter({ hasText: '(client.created)' }).click();
      await options.filter({ hasText: '(client.updated)' }).click();
      await page.keyboard.press('Escape');
      await page.getByTestId('webhook-save').click();

      // The secret, shown once, is the endpoint's: it verifies what the receiver gets.
      const secretBox = page.getByTestId('webhook-secret');
      await secretBox.waitFor();
      const secret = ((await secretBox.textContent()) ?? '').trim();
      expect(secret).toMatch(/^whsec_/);
      await c.expectAccessible(page, `webhooks-${locale}-1280-secret`);
      await page.getByRole('dialog').locator('.ant-btn-primary', { hasText: tx.webhooks.close }).click();

      const [endpoint] = await c.api<EndpointBody[]>('/api/v1/webhooks/endpoints');
      expect(endpoint).toMatchObject({
        url: receiver.url,
        eventTypes: ['client.created', 'client.updated'],
        active: true,
        lastSuccessAt: null,
      });
      const row = page.getByTestId('webhooks-table').locator('tr', { hasText: receiver.url });
      await row.getByText(tx.webhooks.types['client.created']).waitFor();
      await row.getByText(tx.webhooks.never).first().waitFor();

      // The test button queues a ping; the worker delivers it to the local receiver.
      await row.getByTestId(`webhook-test-${endpoint.id}`).click();
      await page.getByText(tx.webhooks.testQueued).waitFor();
      await row.getByTestId('webhook-link').click();
      await expectHeading(page, 'CRM');
      const log = page.getByTestId('webhook-log');
      await log
        .getByTestId('webhook-delivery-status')
        .getByText(tx.webhooks.deliveryStatus.delivered)
        .waitFor({
          timeout: 30_000,
        });
      const ping = receiver.received.find((r) => r.body.includes('webhook.ping'));
      expect(ping).toBeDefined();
      const verified = new Webhook(secret).verify(ping!.body, {
        'webhook-id': String(ping!.headers['webhook-id']),
        'webhook-timestamp': String(ping!.headers['webhook-timestamp']),
        'webhook-signature': String(ping!.headers['webhook-signature']),
      });
      expect(verified).toMatchObject({ type: 'webhook.ping' });

      // The log says what the API says.
      const deliveries = await c.api<DeliveryBody[]>(`/api/v1/webhooks/endpoints/${endpoint.id}/deliveries`);
      expect(deliveries).toEqual([
        expect.objectContaining({
          type: 'webhook.ping',
          status: 'delivered',
          attempts: 1,
          lastStatusCode: 200,
        }),
      ]);
      await log.getByTestId('webhook-delivery-code').getByText('200').waitFor();
      await page
        .getByTestId('webhook-log-summary')
        .getByText(fill(tx.webhooks.summary, { delivered: 1, pending: 0, failed: 0, dead: 0 }))
        .waitFor();
      await log.getByText(deliveries[0].eventId).waitFor();
      await c.expectAccessible(page, `webhooks-${locale}-1280-log`);

      // Replay the one event: it is delivered again, with the same webhook-id.
      const before = receiver.received.length;
      await log.getByTestId(`webhook-replay-${deliveries[0].eventId}`).click();
      await page.getByText(fill(tx.webhooks.replayQueued, { count: 1 })).waitFor();
      for (let i = 0; i < 300 && receiver.received.length === before; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(receiver.received.length).toBeGreaterThan(before);
      expect(receiver.received.at(-1)!.headers['webhook-id']).toBe(ping!.headers['webhook-id']);
      endpointId = endpoint.id;
      firstSecret = secret;
    });
  }

  for (const locale of flowLocales()) {
    it(`disables, enables, edits the events and rotates the secret; reads at 1280 and 768 px (${locale})`, async () => {
      const tx = TEXTS[locale];
      const endpoint = { id: endpointId };
      const secret = firstSecret;
      const { page } = await c.signedIn(admin, locale, { width: 1280, height: 1000 });
      await page.goto(`${c.base}/console/settings/webhooks/${endpoint.id}`);
      await expectHeading(page, 'CRM');
      await page.getByTestId('webhook-delivery-code').first().waitFor();
      await c.expectAccessible(page, `webhooks-${locale}-1280-log`);

      // Disable it by hand: the reason shows, as the API has it.
      await page.getByTestId(`webhook-toggle-${endpoint.id}`).click();
      await page.getByText(`${tx.webhooks.disabled}: ${tx.webhooks.disabledReason.manual}`).waitFor();
      const [disabled] = await c.api<EndpointBody[]>('/api/v1/webhooks/endpoints');
      expect(disabled).toMatchObject({ active: false, disabledReason: 'manual' });
      expect(disabled.lastSuccessAt).not.toBeNull();

      // At 768 px, the list and the log still read and pass axe.
      const narrow = await c.signedIn(admin, locale, { width: 768, height: 1000 });
      await narrow.page.goto(`${c.base}/console/settings/webhooks`);
      await expectHeading(narrow.page, tx.webhooks.title);
      await narrow.page.getByText(`${tx.webhooks.disabled}: ${tx.webhooks.disabledReason.manual}`).waitFor();
      await c.expectAccessible(narrow.page, `webhooks-${locale}-768-list`);
      await narrow.page.goto(`${c.base}/console/settings/webhooks/${endpoint.id}`);
      await expectHeading(narrow.page, 'CRM');
      await narrow.page.getByTestId('webhook-delivery-code').first().waitFor();
      await c.expectAccessible(narrow.page, `webhooks-${locale}-768-log`);

      // Enabled again; rotating shows a new secret once.
      await page.getByTestId(`webhook-toggle-${endpoint.id}`).click();
      await page.getByText(tx.webhooks.active, { exact: true }).first().waitFor();
      await page.getByTestId(`webhook-rotate-${endpoint.id}`).click();
      await page.getByRole('button', { name: tx.webhooks.rotate }).last().click();
      const rotated = ((await page.getByTestId('webhook-secret').textContent()) ?? '').trim();
      expect(rotated).toMatch(/^whsec_/);
      expect(rotated).not.toBe(secret);
      await page.getByRole('dialog').locator('.ant-btn-primary', { hasText: tx.webhooks.close }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });

      // The events, edited: what the API keeps is what was chosen.
      await page.getByTestId(`webhook-edit-${endpoint.id}`).click();
      await page.getByRole('dialog').getByTestId('webhook-event-types').waitFor();
      await page.getByRole('dialog').locator('.ant-select-selection-item-remove').first().click();
      await page.getByTestId('webhook-save').click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      const [edited] = await c.api<EndpointBody[]>('/api/v1/webhooks/endpoints');
      expect(edited.eventTypes).toEqual(['client.updated']);
      await c.expectAccessible(page, `webhooks-${locale}-1280-edited`);
    });
  }
});
