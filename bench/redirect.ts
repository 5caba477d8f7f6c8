import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Controller, Get, INestApplication, Param, Res } from '@nestjs/common';
import autocannon from 'autocannon';
import type { Response } from 'express';
import { Public } from '@touchbase/core';
import { ShortLinksService } from '@touchbase/links';
import { benchApi, benchDatabase, result, seedEmailCampaign } from './_support';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
/** Deliveries with links, the load spread over them round robin (a short link each). */
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 20_000);
const TARGET = 'https://shop.example/catalog?utm_source=touchbase';

/** The baseline: the same app, guards and headers, a redirect to a fixed target — no lookup, no count. */
@Controller('bench')
class BareRedirectController {
  @Get('bare/:code')
  @Public({ throttle: false })
  bare(@Param('code') code: string, @Res() res: Response): void {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.redirect(302, `${TARGET}&c=${code.length}`);
  }
}

/**
 * Short links under load: GET /r/<code> (resolve the code, count the click, redirect) with 100
 * connections over SAMPLE deliveries' links, against a bare redirect endpoint of the same app, in the
 * same run. `ratio` = redirect req/s ÷ bare req/s (target ≥ 0.8). Then the clicks are checked: every
 * redirect counted on its delivery.
 */
export default async function redirectBench(): Promise<void> {
  const db = await benchDatabase('redirect');
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-bench-redirect-'));
  let app: INestApplication | undefined;
  try {
    process.stdout.write(`Building ${SAMPLE.toLocaleString('en')} deliveries with links…\n`);
    const campaignId = await seedEmailCampaign(q, SAMPLE);
    const [run] = await q(
      `INSERT INTO runs (campaign_id, period_key, occurrence_at, status) VALUES ($1, 'bench', now(), 'completed') RETURNING id`,
      [campaignId],
    );
    const deliveries: { id: string }[] = await q(
      // Sent an hour ago: the clicks are people's (one within seconds of the sending is a scanner's).
      `INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, priority, counts_as_touch, scheduled_at, due_at, sent_at)
       SELECT $1, $2, id, 'email', 'sent', 0, true, now(), now(), now() - interval '1 hour' FROM clients RETURNING id::text`,
      [run.id, campaignId],
    );

    app = await benchApi(db.url, dataDir, [BareRedirectController]);
    const links = app.get(ShortLinksService);
    const codes: string[] = [];
    const made = deliveries.map((d, i) => {
      const l = links.forDelivery(d.id);
      codes.push(l.url(`${TARGET}&item=${i}`).split('/r/')[1]);
      l.url(`${TARGET}&portal=${i}`);
      return l;
    });
    for (let i = 0; i < made.length; i += 5000) await links.save(made.slice(i, i + 5000));
    await q(`VACUUM ANALYZE delivery_links`);
    const url = await app.getUrl();

    await sanityCheck(url, codes[0]);
    const bare = await load(url, 'GET /bench/bare/:code', (i) => `/bench/bare/${codes[i % codes.length]}`);
    const before = await clicks(q);
    const redirect = await load(url, 'GET /r/:code', (i) => `/r/${codes[i % codes.length]}`);
    await links.flushClicks();
    const counted = (await clicks(q)) - before;
    process.stdout.write(
      `Redirects answered: ${redirect.answered}; clicks counted on their deliveries: ${counted}\n`,
    );

    result('redirect', {
      ratio: redirect.rps / bare.rps,
      bare_rps: bare.rps,
      redirect_rps: redirect.rps,
      bare_p99_ms: bare.p99,
      redirect_p99_ms: redirect.p99,
      clicks_counted: counted,
      redirects: redirect.answered,
      errors: bare.errors + redirect.errors,
      links: SAMPLE,
      connections: CONNECTIONS,
    });
  } finally {
    await app?.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function clicks(q: (sql: string) => Promise<{ n: number }[]>): Promise<number> {
  const [row] = await q(`SELECT COALESCE(sum(clicks), 0)::int AS n FROM delivery_links`);
  return row.n;
}

async function load(
  url: string,
  title: string,
  pathOf: (i: number) => string,
): Promise<{ rps: number; p99: number; errors: number; answered: number }> {
  let n = 0;
  const requests: autocannon.Request[] = [
    { setupRequest: (req: autocannon.Request) => ({ ...req, method: 'GET', path: pathOf(n++) }) },
  ];
  // Warm-up (JIT, pools, caches), then the measured run; the warm-up's redirects count as clicks too.
  const warm = await autocannon({ url, connections: CONNECTIONS, duration: 3, requests });
  const out = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, requests });
  // A redirect is the answer expected: only transport errors, timeouts, 4xx and 5xx are errors.
  const errors = out.errors + out.timeouts + out['4xx'] + out['5xx'];
  process.stdout.write(
    `${title}: ${Math.round(out.requests.average)} req/s, p99 ${out.latency.p99} ms, errors ${errors}\n`,
  );
  return { rps: out.requests.average, p99: out.latency.p99, errors, answered: warm['3xx'] + out['3xx'] };
}

/** One of each first: a benchmark of 404s would measure nothing. */
async function sanityCheck(url: string, code: string): Promise<void> {
  for (const p of [`/bench/bare/${code}`, `/r/${code}`]) {
    const res = await fetch(url + p, { redirect: 'manual' });
    if (res.status !== 302) throw new Error(`${p} answered ${res.status}, not 302`);
  }
}
