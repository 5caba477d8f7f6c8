import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { WebhookDeliveryService } from '@touchbase/webhooks';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

interface Received {
  id: string;
  type: string;
  data: Record<string, unknown>;
  verified: boolean;
}

/** Verifies per the Standard Webhooks text, independently of the product's signing module. */
function verify(secret: string, headers: http.IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${body}`;
  const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  return String(headers['webhook-signature']).split(' ').includes(expected);
}

describe('Outbound webhooks', () => {
  let t: TestApp;
  let server: http.Server;
  let url: string;
  let secret = '';
  let endpointId: string;
  let status = 200;
  const received: Received[] = [];
  const as = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
  let delivery: WebhookDeliveryService;

  async function drain(): Promise<void> {
    for (let i = 0; i < 50 && (await delivery.deliverDue()) > 0; i++);
  }

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (status === 200) {
          const parsed = JSON.parse(body) as { type: string; data: Record<string, unknown> };
          received.push({
            id: String(req.headers['webhook-id']),
            type: parsed.type,
            data: parsed.data,
            verified: verify(secret, req.headers, body),
          });
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    t = await createTestApp({ WEBHOOK_POLL_MS: '60000', WEBHOOK_RETRY_BASE_MS: '10' }, { withWorker: true });
    delivery = t.app.get(WebhookDeliveryService);
    const res = await t.http().post('/api/v1/webhooks/endpoints').set(as).send({ url }).expect(201);
    secret = res.body.secret as string;
    endpointId = res.body.id as string;
    expect(secret).toMatch(/^whsec_/);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    received.length = 0;
    status = 200;
  });

  it('never lists the secret again, and refuses bad input with 400', async () => {
    const list = await t.http().get('/api/v1/webhooks/endpoints').set(as).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    const bad = await t
      .http()
      .post('/api/v1/webhooks/endpoints')
      .set(as)
      .send({ url: 'ftp://x.example' })
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('http(s)');
    await t
      .http()
      .post('/api/v1/webhooks/endpoints')
      .set(as)
      .send({ url, eventTypes: ['nope'] })
      .expect(400);
  });

  it('sends client created, updated and erased with verifying signatures', async () => {
    const c = await t
      .http()
      .post('/api/v1/clients')
      .set(as)
      .send({ name: 'ООО «Вебхук»', externalRef: 'WH-1' })
      .expect(201);
    await t.http().patch(`/api/v1/clients/${c.body.id}`).set(as).send({ name: 'ООО «Вебхук 2»' }).expect(200);
    await drain();
    expect(received[1].data.changed).toEqual(['name']);
    await t.http().post(`/api/v1/clients/${c.body.id}/erase`).set(as).expect(200);
    await drain();
    expect(received.map((r) => r.type)).toEqual(['client.created', 'client.updated', 'client.erased']);
    expect(received.every((r) => r.verified)).toBe(true);
    // Erasure reaches the outbox: the earlier events no longer carry the external reference.
    const left: { n: string }[] = await t.dataSource.query(
      `SELECT count(*)::text AS n FROM webhook_outbox WHERE payload->>'externalRef' = 'WH-1'`,
    );
    expect(left[0].n).toBe('0');
  });

  it('emits nothing for a change that is rolled back', async () => {
    await t.http().post('/api/v1/clients').set(as).send({ name: 'A', externalRef: 'WH-DUP' }).expect(201);
    await drain();
    received.length = 0;
    await t.http().post('/api/v1/clients').set(as).send({ name: 'B', externalRef: 'WH-DUP' }).expect(409);
    await drain();
    expect(received).toEqual([]);
  });

  it('retries while the receiver is down, then delivers everything in order per client', async () => {
    status = 503;
    const c = await t.http().post('/api/v1/clients').set(as).send({ name: 'Порядок' }).expect(201);
    for (const name of ['П1', 'П2', 'П3']) {
      await t.http().patch(`/api/v1/clients/${c.body.id}`).set(as).send({ name }).expect(200);
    }
    await drain();
    const failed = await t
      .http()
      .get(`/api/v1/webhooks/endpoints/${endpointId}/deliveries?status=failed`)
      .set(as)
      .expect(200);
    // Only the first is tried: the later ones wait behind it.
    expect(failed.body).toHaveLength(1);
    expect(failed.body[0].type).toBe('client.created');
    status = 200;
    await t.dataSource.query(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE status = 'failed'`);
    await drain();
    expect(received.map((r) => r.type)).toEqual([
      'client.created',
      'client.updated',
      'client.updated',
      'client.updated',
    ]);
    expect(received.every((r) => r.verified)).toBe(true);
  });

  it('takes over deliveries a stopped worker had claimed (at least once, same webhook-id)', async () => {
    await t.http().post('/api/v1/clients').set(as).send({ name: 'Захват' }).expect(201);
    await delivery.fanOut();
    // A worker claimed it and died: its lease is in the past.
    await t.dataSource.query(
      `UPDATE webhook_deliveries SET locked_until = now() - interval '1 second', claim_token = gen_random_uuid()
        WHERE status = 'pending'`,
    );
    await drain();
    expect(received.map((r) => r.type)).toEqual(['client.created']);
  });

  it('replays an event with the same webhook-id, and pings', async () => {
    await t.http().post('/api/v1/clients').set(as).send({ name: 'Повтор' }).expect(201);
    await drain();
    const first = received[0];
    const r = await t
      .http()
      .post(`/api/v1/webhooks/endpoints/${endpointId}/replay`)
      .set(as)
      .send({ eventId: first.id })
      .expect(200);
    expect(r.body.queued).toBe(1);
    await t.http().post(`/api/v1/webhooks/endpoints/${endpointId}/replay`).set(as).send({}).expect(400);
    await t.http().post(`/api/v1/webhooks/endpoints/${endpointId}/test`).set(as).expect(200);
    await drain();
    expect(received.map((x) => x.id)).toEqual([first.id, first.id, expect.any(String)]);
    expect(received[2].type).toBe('webhook.ping');
  });

  it('disables an endpoint that has failed for a day', async () => {
    status = 500;
    await t.dataSource.query(`UPDATE webhook_endpoints SET failing_since = now() - interval '25 hours'`);
    await t.http().post('/api/v1/clients').set(as).send({ name: 'Сбой' }).expect(201);
    await drain();
    const e = await t.http().get(`/api/v1/webhooks/endpoints/${endpointId}`).set(as).expect(200);
    expect(e.body.active).toBe(false);
    expect(e.body.disabledReason).toBe('failing');
  });
});
