import { formatDemoReport } from './demo-report';
import type { DemoAdmin } from './demo-loader.service';
import type { CampaignLine, DemoFigures } from './demo-summary.service';

function report(campaigns: CampaignLine[]): string {
  const figures: DemoFigures = {
    clients: 10,
    englishClients: 1,
    timeZones: ['Europe/Moscow'],
    staff: 2,
    purchases: 30,
    categories: { A: 10 },
    stages: { client: 10 },
    campaigns,
    deliveries: { call: { sending: 3 }, letter: { sending: 4 } },
    suppressedByReason: {},
    touchedClients: 7,
    emailDir: '/tmp/email',
    emlFiles: 0,
    smsLog: '/tmp/sms.log',
    smsLines: 0,
    letterBatches: [],
    callTasks: 3,
    portal: null,
    reports: [],
  };
  const month = {
    from: new Date('2026-11-01T00:00:00Z'),
    to: new Date('2026-12-01T00:00:00Z'),
    zone: 'Europe/Moscow',
    period: '2026-11',
    events: [],
  };
  const admin = { key: 'tb_demo', keyFile: null } as unknown as DemoAdmin;
  return formatDemoReport({
    figures,
    month,
    admin,
    publicUrl: 'http://localhost:3000',
    sampleDir: '/tmp/sample',
    startCommand: 'npm start',
    dataLocation: 'embedded',
  });
}

const line = (over: Partial<CampaignLine>): CampaignLine => ({
  campaign: 'VIP: owner call',
  periodKey: '2026-11',
  status: 'dispatching',
  channels: { call: 3 },
  suppressed: 0,
  handedOver: {},
  queued: 0,
  ...over,
});

describe('formatDemoReport', () => {
  it('says why a run is left dispatching: open call tasks, letters to mark mailed, mail waiting for its window', () => {
    const text = report([
      line({ handedOver: { call: 3 } }),
      line({
        campaign: 'CEO letter',
        periodKey: '2026-Q4',
        channels: { letter: 4 },
        handedOver: { letter: 4 },
      }),
      line({ campaign: 'Newsletter', channels: { sms: 2 }, queued: 2 }),
      line({ campaign: 'Win-back', status: 'completed', channels: { email: 5 } }),
    ]);
    const lines = text.split('\n');
    const after = (start: string) => lines[lines.findIndex((l) => l.startsWith(start)) + 1];
    expect(after('  VIP: owner call 2026-11: dispatching')).toMatch(
      /^ {4}\(still dispatching: 3 call tasks are open for their owners \(record outcomes: POST http:\/\/localhost:3000\/api\/v1\/call-tasks\/\{id\}\/outcome\); the run completes once they are done\)$/,
    );
    expect(after('  CEO letter 2026-Q4: dispatching')).toContain(
      '4 letters wait to be printed and marked mailed (POST http://localhost:3000/api/v1/letter-batches/{id}/mailed)',
    );
    expect(after('  Newsletter 2026-11: dispatching')).toContain(
      '2 deliveries wait for their sending window',
    );
    expect(after('  Win-back 2026-11: completed')).not.toMatch(/still dispatching/);
  });
});
