import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Controller, Get, INestApplication, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import autocannon from 'autocannon';
import { DataSource } from 'typeorm';
import { Public } from '@touchbase/core';
import { LinksService } from '@touchbase/links';
import { benchDatabase, insertBenchClients, result, benchApi } from './_support';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1_000_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
/** Distinct clients the load is spread over (a token each). */
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 20_000);
const FREQUENCIES = ['weekly', 'twice-monthly', 'monthly', 'quarterly', 'unlimited'];

/** The baseline: the same app, the same guards and pipes, one primary-key SELECT. */
@Controller('bench')
class BareController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('bare/:id')
  @Public()
  async bare(@Param('id', ParseUUIDPipe) id: string): Promise<{ id: string; name: string }> {
    const [row] = await this.dataSource.query(`SELECT id, name FROM clients WHERE id = $1`, [id]);
    if (!row) throw new NotFoundException();
    return row;
  }
}

/**
 * P5: the portal's JSON API under 100 concurrent connections with 1M clients in the database —
 * preference reads (GET /api/v1/portal/preferences) and updates (PUT, a changed frequency: a write
 * and a consent-log row each) — against a bare endpoint of the same app doing one primary-key SELECT,
 * in the same run. Every request carries the token of one of SAMPLE clients, round robin.
 * `ratio` is the lower of the two portal ratios.
 */
export default async function portalLoadBench(): Promise<void> {
  const db = await benchDatabase('portal_load');
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-bench-portal-'));
  let app: INestApplication | undefined;
  try {
    process.stdout.write(`Building ${CLIENTS.toLocaleString('en')} clients…\n`);
    await insertBenchClients(q, CLIENTS);
    await q(`VACUUM ANALYZE`);
    const sample: { id: string; link_version: number }[] = await q(
      `SELECT id, link_version FROM clients TABLESAMPLE BERNOULLI ($1) LIMIT $2`,
      [Math.min(100, (200 * SAMPLE) / CLIENTS), SAMPLE],
    );

    app = await benchApi(db.url, dataDir, [BareController]);
    const links = app.get(LinksService);
    const tokens = sample.map((c) => links.portalToken(c.id, c.link_version));
    const ids = sample.map((c) => c.id);
    const url = await app.getUrl();

    await sanityCheck(url, ids[0], tokens[0]);
    const bare = await load(url, ids.length, 'GET /bench/bare/:id', (i) => ({
      method: 'GET',
      path: `/bench/bare/${ids[i]}`,
    }));
    const read = await load(url, ids.length, 'GET /api/v1/portal/preferences', (i) => ({
      method: 'GET',
      path: '/api/v1/portal/preferences',
      headers: { authorization: `Bearer ${tokens[i]}` },
    }));
    const update = await load(url, ids.length, 'PUT /api/v1/portal/preferences', (i, n) => ({
      method: 'PUT',
      path: '/api/v1/portal/preferences',
      headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' },
      // A real change every time (the frequency cycles), so each request writes and logs consent.
      body: JSON.stringify({ frequency: FREQUENCIES[n % FREQUENCIES.length], wordingVersion: 'bench/1' }),
    }));
    const [consent] = await q(`SELECT count(*)::int AS n FROM consent_log WHERE wording_version = 'bench/1'`);
    process.stdout.write(`Consent-log rows written by the updates: ${consent.n}\n`);

    result('portal-load', {
      ratio: Math.min(read.rps / bare.rps, update.rps / bare.rps),
      read_ratio: read.rps / bare.rps,
      update_ratio: update.rps / bare.rps,
      bare_rps: bare.rps,
      read_rps: read.rps,
      update_rps: update.rps,
      read_p99_ms: read.p99,
      update_p99_ms: update.p99,
      errors: bare.errors + read.errors + update.errors,
      clients: CLIENTS,
      connections: CONNECTIONS,
    });
  } finally {
    await app?.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

type RequestOf = (
  i: number,
  n: number,
) => { method: 'GET' | 'PUT'; path: string; headers?: Record<string, string>; body?: string };

async function load(
  url: string,
  sampleSize: number,
  title: string,
  requestOf: RequestOf,
): Promise<{ rps: number; p99: number; errors: number }> {
  let n = 0;
  const requests: autocannon.Request[] = [
    {
      setupRequest: (req: autocannon.Request) => {
        const r = requestOf(n % sampleSize, Math.floor(n / sampleSize));
        n++;
        return { ...req, ...r };
      },
    },
  ];
  // Warm-up (JIT, pools, caches), then the measured run.
  await autocannon({ url, connections: CONNECTIONS, duration: 3, requests });
  const out = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests,
  });
  const errors = out.errors + out.non2xx + out.timeouts;
  process.stdout.write(
    `${title}: ${Math.round(out.requests.average)} req/s, p99 ${out.latency.p99} ms, errors ${errors}\n`,
  );
  return { rps: out.requests.average, p99: out.latency.p99, errors };
}

/** One of each request first: a benchmark of error responses would measure nothing. */
async function sanityCheck(url: string, id: string, token: string): Promise<void> {
  const checks: [string, RequestInit][] = [
    [`/bench/bare/${id}`, {}],
    ['/api/v1/portal/preferences', { headers: { authorization: `Bearer ${token}` } }],
    [
      '/api/v1/portal/preferences',
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ frequency: 'monthly', wordingVersion: 'bench/1' }),
      },
    ],
  ];
  for (const [path, init] of checks) {
    const res = await fetch(url + path, init);
    if (!res.ok)
      throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${await res.text()}`);
  }
}
