/** The reports, the tables each one returns and their columns: what JSON and CSV both show. */

export type ReportValue = string | number | boolean | Date | null;
export type ReportRow = Record<string, ReportValue>;

export interface ReportResult {
  report: ReportName;
  /** The period read (null for the reports of "now"). */
  period: { key: string; from: string; to: string } | null;
  filters: { category: string | null; owner: string | null; segment: string | null };
  generatedAt: string;
  summary: Record<string, ReportValue>;
  tables: Record<string, ReportRow[]>;
}

const CLIENT = ['clientId', 'clientName', 'category', 'ownerId', 'ownerName'] as const;

/** The figures of one campaign or channel in the attribution report. */
const ATTRIBUTION = [
  'touched',
  'clicked',
  'purchasers',
  'purchases',
  'revenue',
  'revenuePerClient',
  'conversionRate',
] as const;

export const REPORT_TABLES = {
  coverage: {
    byCategory: ['category', 'base', 'touched', 'share'],
    byChannel: ['channel', 'touched', 'share'],
    ceoLetter: [
      'quarter',
      'campaigns',
      'base',
      'reached',
      'share',
      'missed',
      'suppressed',
      'cancelled',
      'failed',
      'bounced',
      'pending',
      'optedOut',
      'notInSegment',
      'noDelivery',
    ],
    ceoLetterMissed: ['quarter', ...CLIENT, 'reason', 'detail', 'channel'],
  },
  suppressions: {
    byReason: ['reason', 'deliveries', 'clients'],
    byCampaign: ['campaignId', 'campaignName', 'reason', 'deliveries', 'clients'],
    mostCapped: [...CLIENT, 'capped', 'campaigns', 'lastCappedAt'],
  },
  deliverability: {
    byChannel: [
      'channel',
      'planned',
      'sent',
      'delivered',
      'failed',
      'bounced',
      'cancelled',
      'pending',
      'returned',
      'stops',
      'deliveryRate',
    ],
    callOutcomes: ['outcome', 'tasks'],
    weekly: ['week', 'channel', 'planned', 'sent', 'delivered', 'failed', 'bounced', 'returned', 'stops'],
  },
  funnel: {
    stages: ['stage', 'atStart', 'atEnd', 'entered', 'left'],
    conversions: ['fromStage', 'toStage', 'clients', 'converted', 'rate'],
    transitions: ['fromStage', 'toStage', 'clients', 'changes'],
  },
  'vip-cooling': {
    clients: [
      ...CLIENT,
      'ownerEmail',
      'lastTouchAt',
      'lastPurchaseAt',
      'idleSince',
      'idleDays',
      'callTaskId',
      'callTaskStatus',
    ],
    byOwner: ['ownerId', 'ownerName', 'clients'],
  },
  'win-back': {
    winBack: ['campaignId', 'campaignName', 'touched', 'cameBack', 'rate', 'purchases'],
    lapsed: [...CLIENT, 'lastPurchaseAt', 'lapsedSince', 'lastWinBackAt'],
  },
  attribution: {
    byCampaign: ['campaignId', 'campaignName', ...ATTRIBUTION],
    byChannel: ['channel', ...ATTRIBUTION],
  },
  verification: {
    byProblem: ['problem', 'clients'],
    backlog: [...CLIENT, 'problems', 'emailHardBounces', 'contactVerifiedAt'],
    verificationCalls: ['result', 'tasks', 'clients'],
  },
  holdout: {
    groups: ['group', 'clients', 'purchasers', 'revenue', 'meanRevenue', 'stdDev'],
    runs: ['runId', 'campaignId', 'campaignName', 'periodKey', 'occurrenceAt', 'touched', 'heldOut'],
  },
} as const satisfies Record<string, Record<string, readonly string[]>>;

export type ReportName = keyof typeof REPORT_TABLES;
export const REPORT_NAMES = Object.keys(REPORT_TABLES) as ReportName[];

/** For the OpenAPI descriptions: "byCategory (category, base, …); …". */
export function describeTables(report: ReportName): string {
  return Object.entries(REPORT_TABLES[report])
    .map(([table, columns]) => `\`${table}\` (${columns.join(', ')})`)
    .join('; ');
}
