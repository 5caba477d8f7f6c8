import { ChildProcess, fork, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { BenchDatabase, benchDatabase, emailWorkerSettings, result, seedEmailCampaign } from './_support';

/**
 * P4: two worker processes against one, on the same database, in the same run. N queued emails go
 * to an SMTP sink (a process of its own) that takes SINK_DELAY_MS per message before answering, as a
 * real relay does. Each phase starts real worker processes (the compiled `apps/worker`, dispatching
 * email only), warms them up on a small run, then releases the measured run and times it in the
 * database: from the release to the last outcome recorded. The sink counts messages per Message-ID
 * (one per delivery), so a delivery sent twice shows up as a duplicate.
 *
 * The SMTP pool per worker is small by default (BENCH_POOL=2): one worker is then held back by the
 * sink's latency (2 connections × 20 ms: at most 100 messages a second), which is the situation a
 * second worker is for, and what is measured is the cost of sharing one queue (claims under SKIP
 * LOCKED, leases, one database). With larger pools a worker needs more CPU than a small machine has
 * for two of them beside the sink and PostgreSQL, and the ratio measures the cores instead.
 *
 *     npm run bench -- scale-out [messages]    (BENCH_MESSAGES, default 20000)
 */

const SINK_DELAY_MS = Number(process.env.BENCH_SINK_DELAY_MS ?? 20);
const POOL = Number(process.env.BENCH_POOL ?? 2);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);

export default async function scaleOutBench(args: string[]): Promise<void> {
  const messages = Number(args[0] ?? process.env.BENCH_MESSAGES ?? 20000);
  const warmup = Math.min(500, Math.max(50, Math.round(messages / 20)));
  const db = await benchDatabase('scale_out');
  const sink = await startSink(SINK_DELAY_MS);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-bench-scale-'));
  const workers: Worker[] = [];
  try {
    process.stdout.write(
      `${messages} emails per phase (+${warmup} warm-up), SMTP pool ${POOL} per worker, batches of ${BATCH}, ` +
        `sink ${SINK_DELAY_MS} ms a message (pid ${sink.pid})\n`,
    );
    const runs = await buildData(db, messages, warmup);
    const throughput: number[] = [];
    const cpuPerMessage: number[] = [];
    for (const [phase, count] of [1, 2].entries()) {
      for (let w = 1; w <= count; w++) workers.push(await startWorker(db.url, sink.port, dataDir, `w${w}`));
      await release(db, runs[phase].warmup);
      const cpuBefore = workers.reduce((sum, w) => sum + w.cpuMs(), 0);
      const sinkBefore = processCpuMs(sink.pid);
      const seconds = await release(db, runs[phase].measured);
      const cpuMs = workers.reduce((sum, w) => sum + w.cpuMs(), 0) - cpuBefore;
      const sinkMs = processCpuMs(sink.pid) - sinkBefore;
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      throughput.push(messages / seconds);
      cpuPerMessage.push(cpuMs / messages);
      process.stdout.write(
        `${count} worker${count > 1 ? 's' : ''}: ${seconds.toFixed(2)} s, ${(messages / seconds).toFixed(0)} msgs/s, ` +
          `CPU a message: ${(cpuMs / messages).toFixed(2)} ms in the workers, ${(sinkMs / messages).toFixed(2)} ms in the sink; ` +
          `machine load ${os.loadavg()[0].toFixed(1)}\n`,
      );
    }

    const [counts] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*)::int AS total FROM deliveries`,
    );
    const stats = await sink.stats();
    process.stdout.write(
      `deliveries sent ${counts.sent}/${counts.total}; the sink accepted ${stats.accepted} messages, ` +
        `${stats.distinct} distinct Message-IDs, ${stats.duplicates} duplicates\n`,
    );
    if (counts.sent !== counts.total || stats.distinct !== counts.total) {
      throw new Error('Lost messages: not every delivery was sent and received');
    }
    result('scale-out', {
      ratio: throughput[1] / throughput[0],
      duplicates: stats.duplicates,
      one_worker_msgs_s: Math.round(throughput[0]),
      two_workers_msgs_s: Math.round(throughput[1]),
      worker_cpu_ms_msg: cpuPerMessage[0],
      messages,
      sink_delay_ms: SINK_DELAY_MS,
      pool: POOL,
      batch: BATCH,
    });
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    sink.stop();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface PhaseRuns {
  warmup: string;
  measured: string;
}

/** Clients, a campaign with the built-in monthly broadcast, an edition per run, and queued emails not yet due. */
async function buildData(db: BenchDatabase, messages: number, warmup: number): Promise<PhaseRuns[]> {
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  const campaign = { id: await seedEmailCampaign(q, messages) };
  const run = async (key: string, size: number): Promise<string> => {
    const [r] = await q(
      `INSERT INTO runs (campaign_id, period_key, occurrence_at, status) VALUES ($1, $2, now(), 'dispatching') RETURNING id`,
      [campaign.id, key],
    );
    await q(
      `INSERT INTO editions (campaign_id, period_key, subject_ru, subject_en, blocks) VALUES ($1, $2, $3, $4, $5)`,
      [
        campaign.id,
        key,
        'Новости ноября: новый склад в Челябинске',
        'November news: a new warehouse',
        JSON.stringify([
          { type: 'heading', ru: 'Новый склад в Челябинске', en: 'A new warehouse in Chelyabinsk' },
          { type: 'paragraph', ru: 'Доставка по Уралу теперь за один день.', en: 'Next-day delivery.' },
        ]),
      ],
    );
    // Queued, but due only when its phase releases it.
    await q(
      `INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, priority, counts_as_touch, scheduled_at, due_at)
       SELECT $1, $2, id, 'email', 'queued', 0, true, now(), 'infinity' FROM clients ORDER BY external_ref LIMIT $3`,
      [r.id, campaign.id, size],
    );
    return r.id;
  };
  const phases: PhaseRuns[] = [];
  for (const phase of ['one', 'two']) {
    phases.push({ warmup: await run(`${phase}-warmup`, warmup), measured: await run(phase, messages) });
  }
  await q(`VACUUM ANALYZE`);
  return phases;
}

/** Makes a run due, wakes the workers, waits until it is done; seconds from the release to its last outcome. */
async function release(db: BenchDatabase, runId: string): Promise<number> {
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  const [start]: { at: Date }[] = await q(
    `WITH r AS (UPDATE deliveries SET due_at = now() WHERE run_id = $1 RETURNING 1)
     SELECT clock_timestamp() AS at, (SELECT count(*) FROM r)::int AS n, pg_notify('touchbase_dispatch', 'email')`,
    [runId],
  );
  for (;;) {
    const [left] = await q(
      `SELECT EXISTS (SELECT 1 FROM deliveries WHERE run_id = $1 AND status IN ('queued', 'sending')) AS busy`,
      [runId],
    );
    if (!left.busy) break;
    // Only to notice the end: the time itself comes from the database.
    await new Promise((r) => setTimeout(r, 200));
  }
  const [{ last }]: { last: Date }[] = await q(
    `SELECT max(updated_at) AS last FROM deliveries WHERE run_id = $1`,
    [runId],
  );
  return (last.getTime() - start.at.getTime()) / 1000;
}

interface Worker {
  /** CPU time the process has used so far (user + system), from /proc; 0 where there is none. */
  cpuMs(): number;
  stop(): Promise<void>;
}

function processCpuMs(pid: number): number {
  try {
    // Fields 14 and 15 (utime, stime) after the command name, in clock ticks (100 a second on Linux).
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The compiled worker (`npm run start:worker`), dispatching email only; resolves once it runs. */
async function startWorker(
  databaseUrl: string,
  sinkPort: number,
  dataDir: string,
  id: string,
): Promise<Worker> {
  const main = path.join(__dirname, '..', 'apps', 'worker', 'src', 'main.js');
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH,
      TOUCHBASE_ENV_FILE: '/nonexistent',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      DATABASE_MIGRATIONS_RUN: 'false',
      DATA_DIR: path.join(dataDir, id),
      WORKER_ID: id,
      ...emailWorkerSettings(sinkPort, POOL, BATCH),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`Worker ${id} exited (${code}): ${output}`));
    child.once('exit', onExit);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Worker running')) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  return { cpuMs: () => processCpuMs(child.pid!), stop: () => stopProcess(child) };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface SinkStats {
  accepted: number;
  distinct: number;
  duplicates: number;
}

interface SinkProcess {
  port: number;
  pid: number;
  stats(): Promise<SinkStats>;
  stop(): void;
}

type FromSink = { type: 'ready'; port: number } | { type: 'stats'; stats: SinkStats };

/** This file as a process of its own, running the counting sink below. */
function startSink(delayMs: number): Promise<SinkProcess> {
  const child = fork(__filename, [], {
    env: { ...process.env, SCALE_OUT_SINK_DELAY_MS: String(delayMs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`The sink exited before it was ready (${code})`)));
    child.once('message', (m: FromSink) => {
      if (m.type !== 'ready') return reject(new Error('Unexpected message from the sink'));
      resolve({
        port: m.port,
        pid: child.pid!,
        stats: () =>
          new Promise((done) => {
            const on = (a: FromSink) => {
              if (a.type !== 'stats') return;
              child.off('message', on);
              done(a.stats);
            };
            child.on('message', on);
            child.send({ type: 'stats' });
          }),
        stop: () => child.disconnect(),
      });
    });
  });
}

/**
 * An SMTP server that waits `delayMs` before accepting each message and counts messages per
 * Message-ID. It reads only the header block (no MIME parsing), so its own cost stays small.
 */
async function runSink(delayMs: number): Promise<void> {
  const seen = new Map<string, number>();
  let accepted = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    maxClients: 1000,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 64 * 1024 && !head.includes('\r\n\r\n')) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const id = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(head.split('\r\n\r\n')[0])?.[1] ?? '(none)';
        setTimeout(() => {
          seen.set(id, (seen.get(id) ?? 0) + 1);
          accepted += 1;
          callback(null, 'OK');
        }, delayMs);
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') {
      process.send!({
        type: 'stats',
        stats: { accepted, distinct: seen.size, duplicates: accepted - seen.size },
      } satisfies FromSink);
    }
  });
  process.on('disconnect', () => server.close(() => process.exit(0)));
  process.send!({ type: 'ready', port: (server.server.address() as AddressInfo).port } satisfies FromSink);
}

if (require.main === module && process.env.SCALE_OUT_SINK_DELAY_MS !== undefined) {
  void runSink(Number(process.env.SCALE_OUT_SINK_DELAY_MS));
}
