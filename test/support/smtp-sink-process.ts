import * as readline from 'node:readline';
import { maxInAnyWindow, SmtpSink } from './smtp-sink';

/**
 * The SMTP sink as a process of its own (benchmarks: the sink must not share the sender's CPU).
 *
 *     node smtp-sink-process.js [--delay-ms=20] [--parse] [--port=2525]
 *
 * Prints `SMTP_SINK_PORT=<port>` once listening. Commands on stdin, one per line: `count` answers
 * `COUNT <accepted> <max in any second>`; `reset` forgets what was received; `exit` (or the end of
 * stdin) closes the server and exits.
 */
async function main(): Promise<void> {
  const arg = (name: string) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ??
    (process.argv.includes(`--${name}`) ? '' : undefined);
  const sink = await SmtpSink.start({
    parse: arg('parse') !== undefined,
    delayMs: Number(arg('delay-ms') ?? 0),
    port: Number(arg('port') ?? 0),
  });
  process.stdout.write(`SMTP_SINK_PORT=${sink.port}\n`);
  const exit = async () => {
    await sink.close();
    process.exit(0);
  };
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const command = line.trim();
    if (command === 'count') {
      process.stdout.write(`COUNT ${sink.accepted} ${maxInAnyWindow(sink.arrivals)}\n`);
    } else if (command === 'reset') {
      sink.reset();
      process.stdout.write('RESET\n');
    } else if (command === 'exit') {
      void exit();
    }
  });
  lines.on('close', () => void exit());
  process.on('SIGTERM', () => void exit());
}

void main();
