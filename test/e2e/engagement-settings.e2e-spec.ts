import { StaffRole } from '@touchbase/core';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { planNow } from '../support/planning';
import { TEST_ADMIN_KEY } from '../support/test-app';
import { drain, emailAppPerSuite, emailCampaign, PUBLIC_URL } from './email-support';

const SHORT = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/r/[0-9A-Za-z]{10}`);
const PIXEL = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/o/[0-9A-Za-z]{9}`);
const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };

describe('Engagement settings: click and open tracking for the workspace, the attribution window (e2e)', () => {
  const suite = emailAppPerSuite();
  const settings = () => suite.t.http().get('/api/v1/settings/engagement');
  const change = (body: object, auth: Record<string, string> = admin) =>
    suite.t.http().put('/api/v1/settings/engagement').set(auth).send(body);

  afterEach(async () => {
    await suite.t.dataSource.query(`DELETE FROM workspace_settings WHERE key = 'engagement'`);
  });

  async function sendOne(campaign: { openTracking?: boolean; clickTracking?: boolean } = {}) {
    const client = await createClient(suite.t.dataSource, { name: 'ООО «Настройки»' });
    const [row] = await drain(
      suite.t,
      await planNow(suite.t, await emailCampaign(suite.t, campaign), { edition: {} }),
    );
    expect(row.status).toBe('sent');
    const [message] = suite.sink.to(client.email!);
    const links = await suite.t.dataSource.query(`SELECT 1 FROM delivery_links WHERE delivery_id = $1`, [
      row.id,
    ]);
    return { message, links: links.length as number };
  }

  it('defaults: clicks tracked (CLICK_TRACKING), opens not (OPEN_TRACKING), a 30-day attribution window', async () => {
    const marketer = (await createStaffWithKey(suite.t.dataSource, StaffRole.Marketer)).key;
    const res = await settings()
      .set({ Authorization: `Bearer ${marketer}` })
      .expect(200);
    expect(res.body).toEqual({ clickTracking: true, openTracking: false, attributionWindowDays: 30 });
    const { message, links } = await sendOne({ openTracking: true });
    expect(message.html).toMatch(SHORT);
    expect(message.html).not.toMatch(PIXEL);
    expect(links).toBe(1);
  });

  it('click tracking off for the workspace: the message from the SMTP sink carries the direct links, nothing is recorded', async () => {
    const res = await change({ clickTracking: false }).expect(200);
    expect(res.body).toEqual({ clickTracking: false, openTracking: false, attributionWindowDays: 30 });
    // Open tracking needs tracked links: on for the workspace and the campaign, still no pixel.
    await change({ openTracking: true }).expect(200);
    const { message, links } = await sendOne({ openTracking: true, clickTracking: true });
    expect(message.html).not.toMatch(SHORT);
    expect(message.html).not.toMatch(PIXEL);
    expect(message.html).toContain(`${PUBLIC_URL}/portal/`);
    expect(message.text).not.toMatch(SHORT);
    expect(links).toBe(0);

    // Back on: the next message's links are short again.
    await change({ clickTracking: true }).expect(200);
    expect((await sendOne()).message.html).toMatch(SHORT);
  });

  it('open tracking on for the workspace: emails of campaigns asking for it carry the pixel; the others do not', async () => {
    await change({ openTracking: true }).expect(200);
    expect((await settings().set(admin).expect(200)).body).toMatchObject({
      clickTracking: true,
      openTracking: true,
    });
    expect((await sendOne({ openTracking: true })).message.html).toMatch(PIXEL);
    expect((await sendOne({ openTracking: false })).message.html).not.toMatch(PIXEL);
    // A campaign's own switch still turns its links off.
    const untracked = await sendOne({ openTracking: true, clickTracking: false });
    expect(untracked.message.html).not.toMatch(SHORT);
    expect(untracked.message.html).not.toMatch(PIXEL);
  });

  it('only admins change them; every staff member reads them', async () => {
    const marketer = (await createStaffWithKey(suite.t.dataSource, StaffRole.Marketer)).key;
    await change({ clickTracking: false }, { Authorization: `Bearer ${marketer}` }).expect(403);
    await suite.t.http().get('/api/v1/settings/engagement').expect(401);
    expect((await settings().set(admin).expect(200)).body.clickTracking).toBe(true);
  });

  it.each([
    [{ attributionWindowDays: 0 }, 'attributionWindowDays'],
    [{ attributionWindowDays: 366 }, 'attributionWindowDays'],
    [{ attributionWindowDays: 7.5 }, 'attributionWindowDays'],
    [{ attributionWindowDays: 'month' }, 'attributionWindowDays'],
    [{ clickTracking: 'no' }, 'clickTracking'],
    [{ openTracking: 1 }, 'openTracking'],
    [{ colour: 'red' }, 'colour'],
  ])('%j → 400 naming %s; nothing is changed', async (body, field) => {
    const res = await change(body).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'validation_failed' });
    expect(res.body.details.map((x: { field: string }) => x.field)).toContain(field);
    expect((await settings().set(admin).expect(200)).body).toEqual({
      clickTracking: true,
      openTracking: false,
      attributionWindowDays: 30,
    });
  });
});
