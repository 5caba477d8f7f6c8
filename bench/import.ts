import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { validateEnvironment } from '@touchbase/config';
import { StaffRole } from '@touchbase/core';
import { ImportKind, ImportsModule, ImportsService } from '@touchbase/imports';
import { RuntimeModule } from '@touchbase/runtime';
import { BenchDatabase, benchDatabase, result, timed, BENCH_SURNAMES } from './_support';

/**
 * P7: import 100,000 CSV rows of clients with validation, through ImportsService (what the API and the
 * CLI run), against `COPY` of the same CSV into a bare table of text columns, in the same run.
 * `npm run bench -- import [rows]`.
 */

const HEADER = [
  'Код',
  'Наименование',
  'Тип',
  'Телефон',
  'E-mail',
  'Адрес',
  'Город',
  'Область',
  'Индекс',
  'Страна',
  'Получатель',
  'Менеджер',
  'Теги',
  'Часовой пояс',
];

const SURNAMES = BENCH_SURNAMES.slice(0, 20);
const NAMES = [
  'Александр',
  'Сергей',
  'Дмитрий',
  'Андрей',
  'Алексей',
  'Максим',
  'Евгений',
  'Иван',
  'Михаил',
  'Артём',
  'Анна',
  'Мария',
  'Елена',
  'Ольга',
  'Наталья',
  'Татьяна',
  'Ирина',
  'Екатерина',
  'Светлана',
  'Юлия',
];
const PATRONYMICS = [
  'Александрович',
  'Сергеевич',
  'Дмитриевич',
  'Андреевич',
  'Алексеевич',
  'Иванович',
  'Михайлович',
  'Петрович',
  'Николаевич',
  'Викторович',
];
const WORDS = [
  'Ромашка',
  'Вектор',
  'Альянс',
  'Прогресс',
  'Техносервис',
  'Уралснаб',
  'Северстрой',
  'Меридиан',
  'Горизонт',
  'Стройкомплект',
  'Агроторг',
  'Энергия',
  'Металлинвест',
  'Спектр',
  'Партнёр',
  'Логистик',
  'Сибирь',
  'Восход',
  'Импульс',
  'Квадрат',
];
const FORMS = ['ООО', 'АО', 'ПАО', 'ЗАО'];
const STREETS = [
  'ул. Ленина',
  'ул. Мира',
  'пр. Победы',
  'ул. Гагарина',
  'ул. Советская',
  'ул. Пушкина',
  'ул. Малышева',
  'ул. Садовая',
  'пр. Космонавтов',
  'ул. 8 Марта',
];
const CITIES: [string, string, string, string, string][] = [
  ['Москва', 'Москва', '101', '495', 'Europe/Moscow'],
  ['Санкт-Петербург', 'Санкт-Петербург', '190', '812', 'Europe/Moscow'],
  ['Екатеринбург', 'Свердловская область', '620', '343', 'Asia/Yekaterinburg'],
  ['Новосибирск', 'Новосибирская область', '630', '383', 'Asia/Novosibirsk'],
  ['Казань', 'Республика Татарстан', '420', '843', 'Europe/Moscow'],
  ['Челябинск', 'Челябинская область', '454', '351', 'Asia/Yekaterinburg'],
  ['Самара', 'Самарская область', '443', '846', 'Europe/Samara'],
  ['Пермь', 'Пермский край', '614', '342', 'Asia/Yekaterinburg'],
];
const TAGS = ['дилер', 'опт', 'розница', 'урал', 'сибирь', 'vip-кандидат', 'тендер', 'сервис'];
const TRANSLIT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'sch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

// Deterministic (mulberry32), so every run imports the same file.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function translit(text: string): string {
  return [...text.toLowerCase()].map((c) => TRANSLIT[c] ?? (/[a-z0-9]/.test(c) ? c : '')).join('');
}

function phoneText(rnd: () => number, areaCode: string, i: number): string {
  const digits = (n: number) => String(Math.floor(rnd() * 10 ** n)).padStart(n, '0');
  // Mobile numbers mostly, landlines of the city for companies; written the many ways people do.
  const national =
    rnd() < 0.75
      ? `9${['12', '22', '05', '85', '99', '50', '67', '04'][i % 8]}${digits(7)}`
      : `${areaCode}${digits(7)}`;
  const [a, b, c, d] = [national.slice(0, 3), national.slice(3, 6), national.slice(6, 8), national.slice(8)];
  switch (i % 5) {
    case 0:
      return `+7 (${a}) ${b}-${c}-${d}`;
    case 1:
      return `8 ${a} ${b}-${c}-${d}`;
    case 2:
      return `8${national}`;
    case 3:
      return `+7${national}`;
    default:
      return `7 ${a} ${b} ${c} ${d}`;
  }
}

export function buildClientsCsv(file: string, rows: number, owners: string[]): void {
  const rnd = random(7);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
  const out = fs.openSync(file, 'w');
  let chunk = `\uFEFF${HEADER.join(';')}\r\n`;
  for (let i = 0; i < rows; i++) {
    const [city, region, postal, area, zone] = pick(CITIES);
    const person = rnd() < 0.3;
    const surname = pick(SURNAMES);
    const first = pick(NAMES);
    const name = person
      ? `${surname} ${first} ${pick(PATRONYMICS)}`
      : rnd() < 0.15
        ? `ИП ${surname} ${first[0]}. ${pick(PATRONYMICS)[0]}.`
        : `${pick(FORMS)} «${pick(WORDS)}${rnd() < 0.5 ? `-${pick(WORDS)}` : ''}»`;
    const local = person ? `${translit(first)}.${translit(surname)}${i}` : `info${i}`;
    const domain = person
      ? pick(['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru'])
      : `${translit(pick(WORDS))}${i % 97}.ru`;
    const fields = [
      `CRM-${String(100000 + i)}`,
      name,
      person ? 'физ. лицо' : 'юр. лицо',
      phoneText(rnd, area, i),
      rnd() < 0.1 ? `${local.toUpperCase()}@${domain.toUpperCase()}` : `${local}@${domain}`,
      `${pick(STREETS)}, д. ${1 + Math.floor(rnd() * 150)}${rnd() < 0.5 ? `, оф. ${1 + Math.floor(rnd() * 400)}` : ''}`,
      city,
      region,
      `${postal}${String(Math.floor(rnd() * 1000)).padStart(3, '0')}`,
      'Россия',
      person ? '' : `${name}, отдел закупок`,
      pick(owners),
      [pick(TAGS), pick(TAGS)].join(', '),
      zone,
    ];
    chunk += `${fields.map((f) => (/[;"\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(';')}\r\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

/** The baseline: the same CSV rows into a table of text columns, with COPY. */
async function copyBaseline(db: BenchDatabase, file: string): Promise<number> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS import_copy_baseline`);
    await client.query(
      `CREATE TABLE import_copy_baseline (${HEADER.map((_, i) => `c${i} text`).join(', ')})`,
    );
    const { seconds } = await timed(() =>
      pipeline(
        fs.createReadStream(file),
        client.query(
          copyFrom(`COPY import_copy_baseline FROM STDIN (FORMAT csv, HEADER true, DELIMITER ';')`),
        ),
      ),
    );
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM import_copy_baseline`);
    process.stdout.write(`COPY: ${rows[0].n} rows in ${seconds.toFixed(3)} s\n`);
    return seconds;
  } finally {
    await client.end();
  }
}

/**
 * For context, not the target: what PostgreSQL alone needs for the clean rows, from the staged CSV: into a copy of `clients` with
 * its defaults and checks but no index, trigger or history (`bare`), into such a copy with only the
 * four indexes that matching rows needs (`keys`: id, reference, email, phone), and into the real table with
 * its indexes, preferences trigger and first stage-history row (`floor`). No import can beat `floor`.
 */
async function sqlFloor(file: string): Promise<{ bare: number; keys: number; floor: number }> {
  const db = await benchDatabase('import_floor');
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO staff_members (name, email, role) SELECT 'M' || i, 'manager' || i || '@example.com', 'sales-ops' FROM generate_series(1, 5) i`,
    );
    await client.query(
      `CREATE TABLE import_copy_baseline (${HEADER.map((_, i) => `c${i} text`).join(', ')})`,
    );
    await pipeline(
      fs.createReadStream(file),
      client.query(copyFrom(`COPY import_copy_baseline FROM STDIN (FORMAT csv, HEADER true, DELIMITER ';')`)),
    );
    await client.query(`SET jit = off`);
    await client.query(`CREATE TABLE clients_bare (LIKE clients INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    const values = `
          SELECT c0, c1, CASE WHEN c2 = 'физ. лицо' THEN 'person' ELSE 'company' END, lower(c4),
                 '+7' || right(regexp_replace(c3, '\\D', '', 'g'), 10), ARRAY[c5], c6, c7, c8, 'RU', NULLIF(c10, ''),
                 s.id, string_to_array(c12, ', '), c13, now()
            FROM import_copy_baseline b LEFT JOIN staff_members s ON s.email = b.c11`;
    const columns = `external_ref, name, kind, email, phone, address_lines, address_city, address_region,
                     address_postal_code, address_country, address_recipient, owner_id, tags, time_zone,
                     stage_changed_at`;
    const bare = await timed(() => client.query(`INSERT INTO clients_bare (${columns}) ${values}`));
    process.stdout.write(
      `SQL, clean rows into a copy of clients without indexes or triggers: ${bare.seconds.toFixed(3)} s\n`,
    );
    // With only the indexes an import needs to find the rows it updates: id, reference, email, phone.
    await client.query(`CREATE TABLE clients_keys (LIKE clients INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await client.query(`ALTER TABLE clients_keys ADD PRIMARY KEY (id)`);
    await client.query(`CREATE UNIQUE INDEX ON clients_keys (external_ref)`);
    await client.query(`CREATE INDEX ON clients_keys (email) WHERE email IS NOT NULL`);
    await client.query(`CREATE INDEX ON clients_keys (phone) WHERE phone IS NOT NULL`);
    const keys = await timed(() => client.query(`INSERT INTO clients_keys (${columns}) ${values}`));
    process.stdout.write(
      `SQL, clean rows into a copy of clients with only the matching keys' indexes: ${keys.seconds.toFixed(3)} s\n`,
    );
    const { seconds } = await timed(() =>
      client.query(`
        WITH inserted AS (
          INSERT INTO clients (${columns}) ${values}
          RETURNING id, stage)
        INSERT INTO stage_history (client_id, from_stage, to_stage, cause, changed_at)
        SELECT id, NULL, stage, 'import', now() FROM inserted`),
    );
    process.stdout.write(
      `SQL floor (clean rows, one INSERT … SELECT into clients + stage history): ${seconds.toFixed(3)} s\n`,
    );
    return { bare: bare.seconds, keys: keys.seconds, floor: seconds };
  } finally {
    await client.end();
    await db.close();
  }
}

export default async function importBench(args: string[]): Promise<void> {
  const rows = Number(args[0] ?? 100_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-bench-import-'));
  const file = path.join(dir, 'clients.csv');
  const owners = [1, 2, 3, 4, 5].map((i) => `manager${i}@example.com`);
  try {
    buildClientsCsv(file, rows, owners);
    process.stdout.write(`CSV: ${rows} rows, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB\n`);
    // Its own database, before the measured one (an embedded server is one at a time).
    const floor = await sqlFloor(file);

    const db = await benchDatabase('import');
    try {
      for (const email of owners) {
        await db.dataSource.query(`INSERT INTO staff_members (name, email, role) VALUES ($1, $2, $3)`, [
          `Менеджер ${email.slice(7, 8)}`,
          email,
          StaffRole.SalesOps,
        ]);
      }
      const env = validateEnvironment({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        LOG_FORMAT: 'json',
        DATA_DIR: dir,
      });
      @Module({
        imports: [
          RuntimeModule.forRoot({ env, databaseUrl: db.url, applicationName: 'touchbase-bench' }),
          ImportsModule,
        ],
      })
      class ImportBenchModule {}
      const app = await NestFactory.createApplicationContext(ImportBenchModule, { logger: false });
      try {
        const copyBefore = await copyBaseline(db, file);
        const imports = app.get(ImportsService);
        const { result: report, seconds: importSeconds } = await timed(() =>
          imports.run({ filePath: file, fileName: 'clients.csv', kind: ImportKind.Clients }),
        );
        process.stdout.write(
          `Import: ${report.total} rows in ${importSeconds.toFixed(3)} s — created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, failed ${report.failed}\n`,
        );
        if (report.created !== rows || report.failed !== 0) {
          throw new Error(
            `expected ${rows} created and none failed: ${JSON.stringify(report.errors.slice(0, 5))}`,
          );
        }
        const copyAfter = await copyBaseline(db, file);
        // The faster COPY of the two: the baseline is never flattered by a cold cache.
        const copySeconds = Math.min(copyBefore, copyAfter);
        result('import', {
          ratio: rows / importSeconds / (rows / copySeconds),
          import_s: importSeconds,
          copy_s: copySeconds,
          rows,
          // The target: the SQL floor (the same clean rows, one INSERT … SELECT into clients with its
          // indexes, triggers and first stage-history row) ÷ the import.
          floor_ratio: floor.floor / importSeconds,
          sql_floor_s: floor.floor,
          sql_keys_s: floor.keys,
          sql_bare_s: floor.bare,
          // The ratio an import would reach if validation, matching and reporting cost nothing.
          ceiling_ratio: copySeconds / floor.floor,
          // … if the table had only the indexes that matching needs …
          keys_ceiling_ratio: copySeconds / floor.keys,
          // … and if it had no index, trigger or history at all.
          bare_ceiling_ratio: copySeconds / floor.bare,
        });
      } finally {
        await app.close();
      }
    } finally {
      await db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
