import type { Client } from '@touchbase/clients';
import { ShortLinksService } from '@touchbase/links';
import { createClient } from '../factories/client.factory';
import { planNow } from '../support/planning';
import { TEST_ADMIN_KEY } from '../support/test-app';
import { drain, emailAppPerSuite, emailCampaign, PUBLIC_URL } from './email-support';

const esc = PUBLIC_URL.replace(/\./g, '\\.');
const SHORT = new RegExp(`${esc}/r/([0-9A-Za-z]{10})`, 'g');
const PIXEL = new RegExp(`${esc}/o/([0-9A-Za-z]{9})"`);
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe("A run's engagement: clicks and opens of its reached deliveries (e2e)", () => {
  const suite = emailAppPerSuite({ OPEN_TRACKING: 'true' });
  const auth = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };

  it('counts clicked deliveries, clicks, human and machine opens as the messages in the sink were used', async () => {
    const names = ['Альфа', 'Бета', 'Гамма', 'Дельта'];
    const clients: Client[] = [];
    for (const name of names) clients.push(await createClient(suite.t.dataSource, { name }));
    // Дельта turned click tracking off in the portal: its links work but count nothing.
    await suite.t.dataSource.query(
      `UPDATE client_preferences SET click_tracking = false WHERE client_id = $1`,
      [clients[3].id],
    );
    const campaign = await emailCampaign(suite.t, { openTracking: true });
    const runId = await planNow(suite.t, campaign, { edition: {} });
    const rows = await drain(suite.t, runId);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    // Read an hour after sending (an open or a click seconds after it is a scanner's).
    await suite.t.dataSource.query(
      `UPDATE deliveries SET sent_at = now() - interval '1 hour' WHERE run_id = $1`,
      [runId],
    );
    const message = (i: number) => suite.sink.to(clients[i].email!)[0];
    const codes = (i: number) => [...new Set([...message(i).html.matchAll(SHORT)].map((m) => m[1]))];
    const click = (code: string) => suite.t.http().get(`/r/${code}`).redirects(0).expect(302);
    const open = (i: number, ua = CHROME) =>
      suite.t
        .http()
        .get(`/o/${PIXEL.exec(message(i).html)![1]}`)
        .set('User-Agent', ua)
        .expect(200);

    // Альфа: opens, then clicks twice; Бета: one click; Гамма: only a scanner's open; Дельта: clicks, untracked.
    // (Альфа's two clicks on one link: different links within a second would be a scanner's burst.)
    await open(0);
    await click(codes(0)[0]);
    await click(codes(0)[0]);
    await click(codes(1)[0]);
    await open(2, 'Mozilla/5.0');
    await click(codes(3)[0]);
    await suite.t.app.get(ShortLinksService).flushClicks();

    const res = await suite.t.http().get(`/api/v1/runs/${runId}/engagement`).set(auth).expect(200);
    const expected = {
      reached: 4,
      tracked: 3,
      clicked: 2,
      clicks: 3,
      clickRate: 2 / 3,
      opened: 1,
      opens: 1,
      machineOpens: 1,
    };
    expect(res.body).toEqual({ ...expected, byChannel: [{ channel: 'email', ...expected }] });
  });

  it('a run with nothing sent has no rate; an unknown run is 404, a malformed id 400', async () => {
    const campaign = await emailCampaign(suite.t);
    const runId = await planNow(suite.t, campaign, { edition: {} });
    const res = await suite.t.http().get(`/api/v1/runs/${runId}/engagement`).set(auth).expect(200);
    expect(res.body).toMatchObject({ reached: 0, tracked: 0, clickRate: null, byChannel: [] });
    await suite.t
      .http()
      .get('/api/v1/runs/00000000-0000-4000-8000-000000000000/engagement')
      .set(auth)
      .expect(404);
    await suite.t.http().get('/api/v1/runs/nope/engagement').set(auth).expect(400);
  });
});
