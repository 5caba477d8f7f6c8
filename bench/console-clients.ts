import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Controller, Get, INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Public } from '@touchbase/core';
import { hashApiKey } from '@touchbase/staff';
import { buildDataSourceOptions } from '@touchbase/database';
import { BenchDatabase, benchDatabase, result, benchApi, BENCH_ADMIN_KEY, BENCH_SURNAMES } from './_support';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1_000_000);
/** Requests per scenario (after a warm-up of a tenth as many). */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);

const SURNAMES = [...BENCH_SURNAMES];
const WORDS = ['Строй', 'Торг', 'Пром', 'Агро', 'Тех', 'Снаб', 'Инвест', 'Логистик', 'Металл', 'Авто'];
const CITIES = [
  'Москва',
  'Санкт-Петербург',
  'Новосибирск',
  'Екатеринбург',
  'Казань',
  'Нижний Новгород',
  'Челябинск',
  'Самара',
  'Омск',
  'Ростов-на-Дону',
  'Уфа',
  'Красноярск',
  'Воронеж',
  'Пермь',
  'Волгоград',
  'Краснодар',
];

/** The baseline: the same app, the same guards and pipes, one bare indexed SELECT of a page. */
@Controller('bench')
class BarePageController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('bare-page')
  @Public({ throttle: false })
  page(): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT id, name, email, phone, category, stage FROM clients
        WHERE archived_at IS NULL ORDER BY name, id LIMIT 50`,
    );
  }
}

/**
 * The console's client list over CLIENTS clients (default 1,000,000; 50 owners, categories, 16
 * cities, a tenth archived): the list API's first page, a filtered page (category + owner), a city
 * page, and the free-text lookups of one client people make (the name from its main word to the start
 * of its number, the start of an email, a phone as typed) — each REQUESTS times, one at a time, through
 * the whole API (key guard, validation, serialisation). The baseline in the same run is a route of
 * the same app doing one bare indexed SELECT … LIMIT 50. `p95_ms` is the worst of these scenarios'
 * p95; `ratio` is it over the baseline's p95. Target: p95 ≤ 300 ms. `broad_p95_ms` (a tenth as many
 * requests) is a search for a bare surname fragment matching 2.5 % of the base: its time grows with
 * its matches, and it is reported beside the target, not in it.
 */
export default async function consoleClientsBench(): Promise<void> {
  // BENCH_REUSE=<url>: measure a database kept by an earlier run (BENCH_KEEP=1) instead of building one.
  const reuse = process.env.BENCH_REUSE;
  const db = reuse ? await reusedDatabase(reuse) : await benchDatabase('console_clients');
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-bench-console-'));
  let app: INestApplication | undefined;
  try {
    process.stdout.write(`Building ${CLIENTS.toLocaleString('en')} clients…\n`);
    const started = Date.now();
    if (!reuse) {
      await seed(q);
      await q(`VACUUM ANALYZE clients`);
    }
    process.stdout.write(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const owners: { id: string }[] = await q(
      `SELECT id FROM staff_members WHERE role = 'sales-ops' ORDER BY id`,
    );
    // Looking up one client as people do: the name from its main word to the start of its number
    // (`петров иван 452`, `стройпетров 12`), the start of an email, a phone as typed:
    // `8 (912) 345-67-89`.
    const sample = (await q(
      `SELECT name, email FROM clients WHERE email IS NOT NULL ORDER BY md5(id::text) LIMIT 200`,
    )) as { name: string; email: string }[];
    const lookups = sample.map(({ name }) => {
      const from = name.search(/[А-ЯЁ][а-яё]{4,}/);
      const number = /\d+/.exec(name);
      const to = number ? number.index + Math.min(3, number[0].length) : name.length;
      return name.slice(Math.max(0, from), to).toLowerCase();
    });
    const emails = sample.map(({ email }) => email.slice(0, email.indexOf('@') + 3));
    const phones = (
      (await q(`SELECT phone FROM clients WHERE phone IS NOT NULL ORDER BY md5(id::text) LIMIT 200`)) as {
        phone: string;
      }[]
    ).map(({ phone: p }) => `8 (${p.slice(2, 5)}) ${p.slice(5, 8)}-${p.slice(8, 10)}-${p.slice(10)}`);

    app = await benchApi(db.url, dataDir, [BarePageController]);
    const url = await app.getUrl();
    const auth = { authorization: `Bearer ${BENCH_ADMIN_KEY}` };
    const pick = <T>(list: T[], i: number) => list[i % list.length];

    const scenarios: {
      name: string;
      path: (i: number) => string;
      headers?: Record<string, string>;
      requests?: number;
    }[] = [
      { name: 'bare', path: () => '/bench/bare-page' },
      { name: 'first', path: () => '/api/v1/clients', headers: auth },
      {
        name: 'filtered',
        path: (i) =>
          `/api/v1/clients?category=${pick(['A', 'B', 'C', 'VIP'], i)}&ownerId=${pick(owners, i * 7).id}`,
        headers: auth,
      },
      {
        name: 'city',
        path: (i) => `/api/v1/clients?city=${encodeURIComponent(pick(CITIES, i))}`,
        headers: auth,
      },
      {
        name: 'search',
        path: (i) => `/api/v1/clients?q=${encodeURIComponent(pick(lookups, i))}`,
        headers: auth,
      },
      {
        name: 'email',
        path: (i) => `/api/v1/clients?q=${encodeURIComponent(pick(emails, i))}`,
        headers: auth,
      },
      {
        name: 'broad',
        requests: Math.ceil(REQUESTS / 10),
        path: (i) =>
          `/api/v1/clients?q=${encodeURIComponent(
            pick(SURNAMES, i)
              .slice(0, 5 + (i % 3))
              .toLowerCase(),
          )}`,
        headers: auth,
      },
      {
        name: 'phone',
        path: (i) => `/api/v1/clients?q=${encodeURIComponent(pick(phones, i))}`,
        headers: auth,
      },
    ];
    const p95: Record<string, number> = {};
    for (const s of scenarios) {
      const first = await fetch(url + s.path(0), { headers: s.headers });
      if (!first.ok) throw new Error(`${s.path(0)} answered ${first.status}: ${await first.text()}`);
      const body = (await first.json()) as { items?: unknown[] } | unknown[];
      const n = Array.isArray(body) ? body.length : (body.items?.length ?? 0);
      const requests = s.requests ?? REQUESTS;
      for (let i = 0; i < Math.ceil(requests / 10); i++) await fetch(url + s.path(i), { headers: s.headers });
      const times: number[] = [];
      for (let i = 0; i < requests; i++) {
        const t0 = process.hrtime.bigint();
        const res = await fetch(url + s.path(i), { headers: s.headers });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${s.path(i)} answered ${res.status}`);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      times.sort((a, b) => a - b);
      p95[s.name] = times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)];
      process.stdout.write(
        `${s.name.padEnd(9)} p50 ${times[Math.floor(times.length / 2)].toFixed(1)} ms, p95 ${p95[s.name].toFixed(1)} ms, ` +
          `max ${times.at(-1)!.toFixed(1)} ms (first answer: ${n} rows)\n`,
      );
    }
    const worst = Math.max(
      ...Object.entries(p95)
        .filter(([k]) => k !== 'bare' && k !== 'broad')
        .map(([, v]) => v),
    );
    result('console-clients', {
      p95_ms: worst,
      ratio: worst / p95.bare,
      bare_p95_ms: p95.bare,
      first_p95_ms: p95.first,
      filtered_p95_ms: p95.filtered,
      city_p95_ms: p95.city,
      search_p95_ms: p95.search,
      phone_p95_ms: p95.phone,
      email_p95_ms: p95.email,
      broad_p95_ms: p95.broad,
      clients: CLIENTS,
      requests: REQUESTS,
      target_ms: 300,
    });
  } finally {
    await app?.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function reusedDatabase(url: string): Promise<BenchDatabase> {
  const dataSource = await new DataSource(buildDataSourceOptions({ url, poolSize: 4 })).initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return { url, dataSource, close: () => dataSource.destroy() };
}

/** Set-based: 50 owners, then the clients in one statement; classification's columns set directly. */
async function seed(q: (sql: string, params?: unknown[]) => Promise<unknown>): Promise<void> {
  await q(
    `WITH admin AS (INSERT INTO staff_members (name, email, role) VALUES ('Bench admin', 'admin@bench.example', 'admin')
                    RETURNING id)
     INSERT INTO api_keys (staff_member_id, name, prefix, key_hash) SELECT id, 'bench', $1, $2 FROM admin`,
    [BENCH_ADMIN_KEY.slice(0, 11), hashApiKey(BENCH_ADMIN_KEY)],
  );
  await q(
    `INSERT INTO staff_members (name, email, role)
     SELECT 'Manager ' || g, 'm' || g || '@example.com', 'sales-ops' FROM generate_series(1, 50) g`,
  );
  await q(
    `INSERT INTO clients (external_ref, name, kind, email, phone, address_lines, address_city, address_country,
                          time_zone, owner_id, computed_category, vip_flag, stage, archived_at, tags)
     SELECT 'CRM-' || g,
            CASE WHEN g % 4 = 0
                 THEN (s.names)[1 + g % s.n] || ' ' || (ARRAY['Иван', 'Олег', 'Анна', 'Мария', 'Пётр'])[1 + g % 5] || ' ' || g
                 ELSE (ARRAY['ООО', 'АО', 'ИП'])[1 + g % 3] || ' «' || (s.words)[1 + (g / 7) % s.w] || (s.names)[1 + (g / 3) % s.n] || ' ' || g || '»' END,
            CASE WHEN g % 4 = 0 THEN 'person' ELSE 'company' END,
            CASE WHEN g % 10 <> 0 THEN 'c' || g || '@' || (ARRAY['mail.ru', 'yandex.ru', 'example.com', 'corp.ru'])[1 + g % 4] END,
            CASE WHEN g % 5 <> 0 THEN '+79' || lpad(((g::bigint * 7919) % 1000000000)::text, 9, '0') END,
            CASE WHEN g % 2 = 0 THEN ARRAY['ул. Ленина, ' || g] ELSE '{}' END,
            CASE WHEN g % 8 <> 0 THEN (s.cities)[1 + (g / 11) % s.c] END,
            CASE WHEN g % 8 <> 0 THEN 'RU' END,
            'Europe/Moscow',
            (s.owners)[1 + g % cardinality(s.owners)],
            (ARRAY['A', 'B', 'B', 'C', 'C', 'C', 'C', NULL])[1 + (g / 13) % 8],
            g % 97 = 0,
            (ARRAY['potential', 'probable', 'prospect', 'client', 'client', 'key', 'lapsed'])[1 + (g / 17) % 7],
            CASE WHEN g % 10 = 9 THEN now() END,
            CASE WHEN g % 6 = 0 THEN ARRAY['dealer'] ELSE '{}' END
       FROM generate_series(1, $1) g,
            (SELECT $2::text[] AS names, cardinality($2::text[]) AS n, $3::text[] AS words, cardinality($3::text[]) AS w,
                    $4::text[] AS cities, cardinality($4::text[]) AS c,
                    (SELECT array_agg(id ORDER BY email) FROM staff_members WHERE role = 'sales-ops') AS owners) s`,
    [CLIENTS, SURNAMES, WORDS, CITIES],
  );
}
