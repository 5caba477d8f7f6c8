import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Controller, Get, INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Public } from '@touchbase/core';
import { benchDatabase, insertBenchClients, result, benchApi, BENCH_ADMIN_KEY } from './_support';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** Three-condition segments over what the bench clients vary in. */
const SEGMENTS: { name: string; rules: unknown }[] = [
  {
    name: 'A/VIP in Ekaterinburg with email',
    rules: {
      all: [
        { field: 'category', op: 'in', value: ['A', 'VIP'] },
        { field: 'city', op: 'eq', value: 'Екатеринбург' },
        { field: 'hasEmail', op: 'is', value: true },
      ],
    },
  },
  {
    name: 'owned, with phone, Russian',
    rules: {
      all: [
        { field: 'owner', op: 'isSet' },
        { field: 'hasPhone', op: 'is', value: true },
        { field: 'locale', op: 'eq', value: 'ru' },
      ],
    },
  },
  {
    name: 'B, subscribed to news, full address',
    rules: {
      all: [
        { field: 'category', op: 'eq', value: 'B' },
        { field: 'topicSubscribed', op: 'is', value: { topic: 'news', subscribed: true } },
        { field: 'hasAddress', op: 'is', value: true },
      ],
    },
  },
  {
    name: 'dealers not opted out, clients',
    rules: {
      all: [
        { field: 'tags', op: 'contains', value: 'dealer' },
        { field: 'stage', op: 'eq', value: 'client' },
        { field: 'optedOut', op: 'is', value: false },
      ],
    },
  },
  {
    name: 'never touched A or B outside Ekaterinburg',
    rules: {
      all: [
        { field: 'lastTouch', op: 'never' },
        { field: 'city', op: 'neq', value: 'Екатеринбург' },
        { field: 'category', op: 'in', value: ['A', 'B'] },
      ],
    },
  },
  {
    name: 'any of: VIP, dealer, or not C',
    rules: {
      any: [
        { field: 'category', op: 'eq', value: 'VIP' },
        { field: 'tags', op: 'contains', value: 'dealer' },
        { not: { field: 'category', op: 'eq', value: 'C' } },
      ],
    },
  },
];

/** The baseline: the same app, guards and pipes, one indexed count over one column. */
@Controller('bench')
class BareCountController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('bare-count')
  @Public()
  async count(): Promise<{ count: number }> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM clients WHERE owner_id = (SELECT id FROM staff_members ORDER BY id LIMIT 1)`,
    );
    return row;
  }
}

/**
 * The live segment count (POST /api/v1/segments/count) with CLIENTS clients: ROUNDS rounds over six
 * three-condition segments (about 30 requests, one at a time, as a person editing rules makes them),
 * against a bare indexed `count(*)` over one column of the same app in the same run. The first round
 * finds nothing cached; an answer that could not be exact in time is an estimate and the exact count
 * follows in the background, so later rounds find it cached. `exact_share` is the share of exact
 * answers; `max_estimate_error` the largest relative error of an estimate.
 */
export default async function segmentCountBench(): Promise<void> {
  const db = await benchDatabase('segment_count');
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-bench-segments-'));
  let app: INestApplication | undefined;
  try {
    // Started on the empty database, so that its first start creates the admin with BENCH_ADMIN_KEY.
    app = await benchApi(db.url, dataDir, [BareCountController]);
    const url = await app.getUrl();
    process.stdout.write(`Building ${CLIENTS.toLocaleString('en')} clients…\n`);
    await insertBenchClients(q, CLIENTS);
    await q(`UPDATE clients SET
               computed_category = (ARRAY['A', 'B', 'C', 'C', NULL])[1 + abs(hashtext(id::text)) % 5],
               vip_flag = (abs(hashtext(id::text)) % 50 = 7),
               locale = CASE WHEN abs(hashtext(id::text)) % 6 = 0 THEN 'en' ELSE 'ru' END,
               tags = CASE WHEN abs(hashtext(id::text)) % 9 = 0 THEN ARRAY['dealer'] ELSE '{}' END`);
    await q(`VACUUM ANALYZE`);

    const post = async (rules: unknown) => {
      const start = process.hrtime.bigint();
      const res = await fetch(`${url}/api/v1/segments/count`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ rules }),
      });
      const body = (await res.json()) as { count: number; exact: boolean; ruleHash: string };
      if (!res.ok)
        throw new Error(`POST /api/v1/segments/count answered ${res.status}: ${JSON.stringify(body)}`);
      return { ms: Number(process.hrtime.bigint() - start) / 1e6, body };
    };
    const bare = async () => {
      const start = process.hrtime.bigint();
      const res = await fetch(`${url}/bench/bare-count`);
      if (!res.ok) throw new Error(`GET /bench/bare-count answered ${res.status}`);
      await res.json();
      return Number(process.hrtime.bigint() - start) / 1e6;
    };

    // Warm-up: the app's pools and JIT, on a rule the rounds do not use.
    await post({ all: [{ field: 'stage', op: 'eq', value: 'lapsed' }] });
    for (let i = 0; i < 3; i++) await bare();

    const baseline: number[] = [];
    const times: number[] = [];
    const firstRound: number[] = [];
    let exactAnswers = 0;
    const estimates: { index: number; count: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, s] of SEGMENTS.entries()) {
        baseline.push(await bare());
        const { ms, body } = await post(s.rules);
        times.push(ms);
        if (round === 0) firstRound.push(ms);
        if (body.exact) exactAnswers++;
        else estimates.push({ index, count: body.count });
        process.stdout.write(
          `round ${round + 1} ${s.name}: ${ms.toFixed(1)} ms, ${body.exact ? 'exact' : 'estimate'} ${body.count}\n`,
        );
      }
      // A person edits rules at human speed: leave the background counts a moment.
      await new Promise((r) => setTimeout(r, 1000));
    }

    // The exact counts, to say how far the estimates were.
    let maxError = 0;
    for (const e of estimates) {
      const { body } = await post(SEGMENTS[e.index].rules);
      const exact = body.exact ? body.count : NaN;
      if (exact > 0) maxError = Math.max(maxError, Math.abs(e.count - exact) / exact);
    }

    const p95 = percentile(times, 0.95);
    const baseP95 = percentile(baseline, 0.95);
    process.stdout.write(
      `segment count p95 ${p95.toFixed(1)} ms (first round ${percentile(firstRound, 0.95).toFixed(1)} ms); ` +
        `bare count p95 ${baseP95.toFixed(1)} ms\n`,
    );
    result('segment-count', {
      p95_ms: p95,
      ratio: p95 / baseP95,
      exact_share: exactAnswers / times.length,
      first_round_p95_ms: percentile(firstRound, 0.95),
      baseline_p95_ms: baseP95,
      max_estimate_error: maxError,
      requests: times.length,
      clients: CLIENTS,
    });
  } finally {
    await app?.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
