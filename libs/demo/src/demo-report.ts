import * as path from 'node:path';
import { DateTime } from 'luxon';
import type { DemoAdmin } from './demo-loader.service';
import type { MonthResult } from './demo-month.service';
import type { CampaignLine, DemoFigures } from './demo-summary.service';

export interface DemoReportInput {
  figures: DemoFigures;
  month: MonthResult;
  admin: DemoAdmin;
  publicUrl: string;
  sampleDir: string;
  /** How to start the server on the same data, e.g. `DATA_DIR=.touchbase-demo … npm start`. */
  startCommand: string;
  dataLocation: string;
}

/** The closing summary: what happened, the figures, and where to look. Stable labels: a test reads them. */
export function formatDemoReport(input: DemoReportInput): string {
  const { figures: f, month, admin, publicUrl } = input;
  const cwd = process.cwd();
  const shown = (p: string) => (p.startsWith(cwd + path.sep) ? path.relative(cwd, p) : p);
  const local = (d: Date) => DateTime.fromJSDate(d, { zone: month.zone }).toFormat('yyyy-MM-dd HH:mm');
  const count = (channel: string, ...statuses: string[]) =>
    statuses.reduce((sum, s) => sum + (f.deliveries[channel]?.[s] ?? 0), 0);
  const join = (r: Record<string, number>, order?: string[]) =>
    (order ?? Object.keys(r).sort())
      .filter((k) => r[k])
      .map((k) => `${k} ${r[k]}`)
      .join(' · ');
  const queued = Object.values(f.deliveries).reduce((sum, byStatus) => sum + (byStatus.queued ?? 0), 0);
  const suppressed = Object.values(f.suppressedByReason).reduce((a, b) => a + b, 0);
  const period = month.period;

  const lines = [
    '',
    'touchbase demo: a sample company and one month of its contact with clients',
    '',
    `Clients: ${f.clients} (${f.englishClients} English-speaking) in ${f.timeZones.length} time zones: ${f.timeZones.join(', ')}`,
    `Categories: ${join(f.categories, ['VIP', 'A', 'B', 'C', 'none'])}`,
    `Stages: ${join(f.stages, ['potential', 'probable', 'prospect', 'client', 'key', 'lapsed'])}`,
    `Staff: ${f.staff}; purchases: ${f.purchases} over two years (sample files in ${shown(input.sampleDir)})`,
    '',
    `Month: ${local(month.from)} → ${local(month.to)} (${month.zone}), on a simulated clock:`,
    ...f.campaigns
      .map((c) => {
        const channels = Object.entries(c.channels)
          .map(([channel, n]) => `${channel} ${n}`)
          .join(' · ');
        const line = `  ${c.campaign} ${c.periodKey}: ${c.status}; ${channels || 'nobody'}${c.suppressed ? `; ${c.suppressed} suppressed` : ''}`;
        return c.status === 'dispatching' ? [line, `    ${whyDispatching(c, publicUrl)}`] : [line];
      })
      .flat(),
    ...month.events
      .filter((e) => e.trigger === 'manual')
      .map(
        (e) => `  (${e.campaign} ${e.periodKey}: the quarter began before the month, so it was run by hand)`,
      ),
    '',
    `Deliveries: email sent ${count('email', 'sent', 'delivered')} · sms sent ${count('sms', 'sent', 'delivered')} · call tasks ${f.callTasks} · letters ${count('letter', 'sending', 'sent')} · suppressed ${suppressed} · queued ${queued}`,
    `Suppressed by reason: ${join(f.suppressedByReason) || 'none'}`,
    `Contact: ${f.touchedClients} of ${f.clients} clients got a message or have a call or letter prepared (${percent(f.touchedClients, f.clients)})`,
    ...(queued > 0
      ? [
          `  ${queued} deliveries wait for their sending window (quiet hours); the worker sends them when due.`,
        ]
      : []),
    '',
    'Where to look:',
    `  Emails (.eml): ${f.emlFiles} files in ${f.emailDir}`,
    `  SMS log: ${f.smsLines} messages in ${f.smsLog}`,
    ...(f.letterBatches.length === 0
      ? ['  Letters (PDF): none this month']
      : f.letterBatches.map(
          (b) => `  Letters (PDF): ${b.file ?? '(not built)'} (${b.letters} letters, ${b.pages} pages)`,
        )),
    `  Call tasks: ${f.callTasks} open: GET ${publicUrl}/api/v1/call-tasks`,
    `  Letter batches: GET ${publicUrl}/api/v1/letter-batches`,
    `  Runs and deliveries: GET ${publicUrl}/api/v1/runs`,
    `  Reports (${period}; JSON, or CSV with ?format=csv):`,
    ...f.reports.flatMap((r) => [
      `    GET ${publicUrl}/api/v1/reports/${r.name}${r.query}`,
      `      ${r.summary ? headline(r.summary) || '(no figures)' : `could not be read: ${r.error}`}`,
    ]),
    ...(f.portal
      ? [`  Client portal (${f.portal.name}, ${f.portal.category ?? 'no category'}): ${f.portal.url}`]
      : []),
    '',
    `Admin API key: ${admin.key}${admin.keyFile ? ` (also in ${shown(admin.keyFile)})` : ''}`,
    `Data: ${input.dataLocation}`,
    'Browse it with the API on the same data (the API docs at /docs):',
    `  ${input.startCommand}`,
    `  curl -H "Authorization: Bearer ${admin.key}" ${publicUrl}/api/v1/call-tasks`,
    'Run `npm run demo` again to start over: it resets the demo data.',
    '',
  ];
  return lines.join('\n');
}

/**
 * Why a run is still dispatching at the end of the demo: it completes when people finish what was
 * handed to them (call outcomes, letters marked mailed) and the worker sends what waits for a window.
 */
function whyDispatching(c: CampaignLine, publicUrl: string): string {
  const reasons = [
    c.handedOver.call &&
      `${c.handedOver.call} call tasks are open for their owners (record outcomes: POST ${publicUrl}/api/v1/call-tasks/{id}/outcome)`,
    c.handedOver.letter &&
      `${c.handedOver.letter} letters wait to be printed and marked mailed (POST ${publicUrl}/api/v1/letter-batches/{id}/mailed)`,
    c.queued && `${c.queued} deliveries wait for their sending window; the worker sends them when due`,
  ].filter(Boolean);
  return reasons.length
    ? `(still dispatching: ${reasons.join('; ')}; the run completes once they are done)`
    : '(still dispatching: its last outcomes are being recorded)';
}

/** A report's summary in one line: `base 2000 · touched 1909 · share 95.5%`. */
function headline(summary: Record<string, unknown>): string {
  return Object.entries(summary)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k} ${/share$/i.test(k) && typeof v === 'number' ? percent(v, 1) : String(v)}`)
    .join(' · ');
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;
}
