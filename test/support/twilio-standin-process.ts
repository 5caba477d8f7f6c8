import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { TwilioStandIn, TwilioStandInOptions } from './twilio-standin';

/**
 * The Twilio stand-in in its own process, so that a benchmark measures the client side only (the
 * stand-in's CPU is not the measured process's). Talks over IPC: ready → url, stats, stop.
 */

export interface StandInStats {
  messageRequests: number;
  accepted: number;
}

export interface StandInProcess {
  url: string;
  pid: number;
  stats(): Promise<StandInStats>;
  /** Counters back to 0; returns them as they were. */
  reset(): Promise<StandInStats>;
  stop(): Promise<void>;
}

type ToChild = { type: 'stats' | 'reset' | 'stop' };
type FromChild = { type: 'ready'; url: string } | { type: 'stats'; stats: StandInStats } | { type: 'done' };

export function startTwilioStandInProcess(options: TwilioStandInOptions): Promise<StandInProcess> {
  // Compiled (bench) runs the .js beside this file; under ts-node/jest the .ts with ts-node.
  const isTs = __filename.endsWith('.ts');
  const child = fork(__filename, [], {
    execArgv: isTs ? ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'] : [],
    env: { ...process.env, TWILIO_STANDIN_OPTIONS: JSON.stringify({ ...options, record: false }) },
    cwd: path.resolve(__dirname, isTs ? '../..' : '../../..'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T extends FromChild['type']>(message: ToChild, answer: T) =>
    new Promise<Extract<FromChild, { type: T }>>((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.type !== answer) return;
        child.off('message', onMessage);
        resolve(m as Extract<FromChild, { type: T }>);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`The Twilio stand-in exited (${code})`)));
      child.send(message);
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`The Twilio stand-in exited before it was ready (${code})`)),
    );
    child.once('message', (m: FromChild) => {
      if (m.type !== 'ready')
        return reject(new Error(`Unexpected message from the stand-in: ${JSON.stringify(m)}`));
      resolve({
        url: m.url,
        pid: child.pid!,
        stats: async () => (await ask({ type: 'stats' }, 'stats')).stats,
        reset: async () => (await ask({ type: 'reset' }, 'stats')).stats,
        stop: () => stopChild(child),
      });
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.send({ type: 'stop' } satisfies ToChild);
  });
}

async function main(): Promise<void> {
  const standIn = new TwilioStandIn(
    JSON.parse(process.env.TWILIO_STANDIN_OPTIONS ?? '{}') as TwilioStandInOptions,
  );
  const url = await standIn.start();
  const stats = (): FromChild => ({
    type: 'stats',
    stats: { messageRequests: standIn.messageRequests, accepted: standIn.accepted },
  });
  process.on('message', (m: ToChild) => {
    if (m.type === 'stats') process.send!(stats());
    else if (m.type === 'reset') {
      const before = stats();
      standIn.reset();
      process.send!(before);
    } else if (m.type === 'stop') void standIn.stop().then(() => process.exit(0));
  });
  // Ends with the parent.
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', url } satisfies FromChild);
}

if (require.main === module) void main();
