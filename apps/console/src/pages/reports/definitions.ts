// What each report of GET /api/v1/reports/<name> holds and how the console shows it: its filters,
// headline figures, tables (the same rows its CSV gives) and charts.

/** How a cell is shown. */
export type ColumnKind =
  | 'text'
  | 'int'
  | 'share'
  | 'date'
  | 'client'
  | 'owner'
  | 'campaign'
  | 'channel'
  | 'category'
  | 'stage'
  | 'reason'
  | 'ceoReason'
  | 'outcome'
  | 'problem'
  | 'problems'
  | 'callStatus';

export interface ColumnDef {
  /** The row's field (the CSV column). */
  key: string;
  kind: ColumnKind;
  /** The header's text key under reports.col (default: key). */
  label?: string;
}

export interface TableDef {
  name: string;
  columns: ColumnDef[];
  /** The title's text key under reports.table (default: name). */
  title?: string;
}

export type ReportFilter = 'period' | 'category' | 'owner' | 'segment' | 'days' | 'windowDays';

export interface SummaryDef {
  key: string;
  kind: 'int' | 'share';
}

/** A chart over one table: bars or lines, one series per value column. */
export interface ChartDef {
  table: string;
  title: string;
  type: 'bar' | 'hbar' | 'line';
  /** The column naming each bar (its kind translates it). */
  category: ColumnDef;
  series: string[];
  percent?: boolean;
}

export interface ReportDef {
  name: ReportName;
  filters: ReportFilter[];
  summary: SummaryDef[];
  tables: TableDef[];
  charts: ChartDef[];
}

export type ReportName =
  'coverage' | 'suppressions' | 'deliverability' | 'funnel' | 'win-back' | 'vip-cooling' | 'verification';

export type ReportTab = ReportName | 'survey' | 'attribution' | 'holdout';

export const REPORT_TABS: ReportTab[] = [
  'coverage',
  'suppressions',
  'deliverability',
  'funnel',
  'win-back',
  'attribution',
  'vip-cooling',
  'survey',
  'verification',
  'holdout',
];

const int = (key: string, label?: string): ColumnDef => ({ key, kind: 'int', label });
const share = (key: string, label?: string): ColumnDef => ({ key, kind: 'share', label });
const date = (key: string): ColumnDef => ({ key, kind: 'date' });
const CLIENT: ColumnDef[] = [
  { key: 'clientName', kind: 'client', label: 'client' },
  { key: 'category', kind: 'category' },
  { key: 'ownerName', kind: 'owner', label: 'owner' },
];
const PERIOD_FILTERS: ReportFilter[] = ['period', 'category', 'owner', 'segment'];

export const REPORTS: Record<ReportName, ReportDef> = {
  coverage: {
    name: 'coverage',
    filters: PERIOD_FILTERS,
    summary: [
      { key: 'base', kind: 'int' },
      { key: 'touched', kind: 'int' },
      { key: 'share', kind: 'share' },
    ],
    tables: [
      {
        name: 'byCategory',
        columns: [{ key: 'category', kind: 'category' }, int('base'), int('touched'), share('share')],
      },
      { name: 'byChannel', columns: [{ key: 'channel', kind: 'channel' }, int('touched'), share('share')] },
      {
        name: 'ceoLetter',
        columns: [
          { key: 'quarter', kind: 'text' },
          { key: 'campaigns', kind: 'text' },
          int('base'),
          int('reached'),
          share('share'),
          int('missed'),
          int('suppressed'),
          int('cancelled'),
          int('failed'),
          int('bounced'),
          int('pending'),
          int('optedOut'),
          int('notInSegment'),
          int('noDelivery'),
        ],
      },
      {
        name: 'ceoLetterMissed',
        columns: [
          { key: 'quarter', kind: 'text' },
          ...CLIENT,
          { key: 'reason', kind: 'ceoReason' },
          { key: 'channel', kind: 'channel' },
        ],
      },
    ],
    charts: [
      {
        table: 'byCategory',
        title: 'byCategory',
        type: 'bar',
        category: { key: 'category', kind: 'category' },
        series: ['share'],
        percent: true,
      },
      {
        table: 'byChannel',
        title: 'byChannel',
        type: 'bar',
        category: { key: 'channel', kind: 'channel' },
        series: ['touched'],
      },
    ],
  },
  suppressions: {
    name: 'suppressions',
    filters: PERIOD_FILTERS,
    summary: [
      { key: 'suppressed', kind: 'int' },
      { key: 'capped', kind: 'int' },
    ],
    tables: [
      { name: 'byReason', columns: [{ key: 'reason', kind: 'reason' }, int('deliveries'), int('clients')] },
      {
        name: 'byCampaign',
        columns: [
          { key: 'campaignName', kind: 'campaign', label: 'campaign' },
          { key: 'reason', kind: 'reason' },
          int('deliveries'),
          int('clients'),
        ],
      },
      { name: 'mostCapped', columns: [...CLIENT, int('capped'), int('campaigns'), date('lastCappedAt')] },
    ],
    charts: [
      {
        table: 'byReason',
        title: 'byReason',
        type: 'hbar',
        category: { key: 'reason', kind: 'reason' },
        series: ['deliveries'],
      },
    ],
  },
  deliverability: {
    name: 'deliverability',
    filters: PERIOD_FILTERS,
    summary: [
      { key: 'stops', kind: 'int' },
      { key: 'stopKeyword', kind: 'int' },
      { key: 'stopCarrierBlock', kind: 'int' },
    ],
    tables: [
      {
        name: 'byChannel',
        title: 'deliveryByChannel',
        columns: [
          { key: 'channel', kind: 'channel' },
          int('planned'),
          int('sent'),
          int('delivered'),
          int('failed'),
          int('bounced'),
          int('cancelled'),
          int('pending'),
          int('returned'),
          int('stops'),
          share('deliveryRate'),
        ],
      },
      {
        name: 'weekly',
        columns: [
          { key: 'week', kind: 'text' },
          { key: 'channel', kind: 'channel' },
          int('planned'),
          int('sent'),
          int('delivered'),
          int('failed'),
          int('bounced'),
          int('returned'),
          int('stops'),
        ],
      },
      { name: 'callOutcomes', columns: [{ key: 'outcome', kind: 'outcome' }, int('tasks')] },
    ],
    // The weekly line chart is drawn by the page (one line per channel).
    charts: [],
  },
  funnel: {
    name: 'funnel',
    filters: PERIOD_FILTERS,
    summary: [{ key: 'changes', kind: 'int' }],
    tables: [
      {
        name: 'stages',
        columns: [{ key: 'stage', kind: 'stage' }, int('atStart'), int('atEnd'), int('entered'), int('left')],
      },
      {
        name: 'conversions',
        columns: [
          { key: 'fromStage', kind: 'stage' },
          { key: 'toStage', kind: 'stage' },
          int('clients'),
          int('converted'),
          share('rate'),
        ],
      },
      {
        name: 'transitions',
        columns: [
          { key: 'fromStage', kind: 'stage' },
          { key: 'toStage', kind: 'stage' },
          int('clients'),
          int('changes'),
        ],
      },
    ],
    charts: [
      {
        table: 'stages',
        title: 'stages',
        type: 'bar',
        category: { key: 'stage', kind: 'stage' },
        series: ['atStart', 'atEnd'],
      },
    ],
  },
  'win-back': {
    name: 'win-back',
    filters: [...PERIOD_FILTERS, 'windowDays'],
    summary: [
      { key: 'lapsedNow', kind: 'int' },
      { key: 'becameLapsed', kind: 'int' },
      { key: 'cameBackFromLapsed', kind: 'int' },
      { key: 'winBackTouched', kind: 'int' },
      { key: 'cameBack', kind: 'int' },
    ],
    tables: [
      {
        name: 'winBack',
        columns: [
          { key: 'campaignName', kind: 'campaign', label: 'campaign' },
          int('touched'),
          int('cameBack'),
          share('rate'),
          int('purchases'),
        ],
      },
      {
        name: 'lapsed',
        columns: [...CLIENT, date('lastPurchaseAt'), date('lapsedSince'), date('lastWinBackAt')],
      },
    ],
    charts: [
      {
        table: 'winBack',
        title: 'winBack',
        type: 'hbar',
        category: { key: 'campaignName', kind: 'text' },
        series: ['touched', 'cameBack'],
      },
    ],
  },
  'vip-cooling': {
    name: 'vip-cooling',
    filters: ['days', 'category', 'owner', 'segment'],
    summary: [
      { key: 'days', kind: 'int' },
      { key: 'clients', kind: 'int' },
    ],
    tables: [
      {
        name: 'clients',
        columns: [
          ...CLIENT,
          date('lastTouchAt'),
          date('lastPurchaseAt'),
          date('idleSince'),
          int('idleDays'),
          { key: 'callTaskStatus', kind: 'callStatus', label: 'callTask' },
        ],
      },
      {
        name: 'byOwner',
        columns: [{ key: 'ownerName', kind: 'owner', label: 'owner' }, int('clients')],
      },
    ],
    charts: [
      {
        table: 'byOwner',
        title: 'byOwner',
        type: 'hbar',
        category: { key: 'ownerName', kind: 'owner' },
        series: ['clients'],
      },
    ],
  },
  verification: {
    name: 'verification',
    filters: PERIOD_FILTERS,
    summary: [
      { key: 'clients', kind: 'int' },
      { key: 'verificationTasks', kind: 'int' },
      { key: 'verified', kind: 'int' },
    ],
    tables: [
      { name: 'byProblem', columns: [{ key: 'problem', kind: 'problem' }, int('clients')] },
      {
        name: 'backlog',
        columns: [
          ...CLIENT,
          { key: 'problems', kind: 'problems' },
          int('emailHardBounces'),
          date('contactVerifiedAt'),
        ],
      },
      {
        name: 'verificationCalls',
        columns: [{ key: 'result', kind: 'outcome' }, int('tasks'), int('clients')],
      },
    ],
    charts: [
      {
        table: 'byProblem',
        title: 'byProblem',
        type: 'hbar',
        category: { key: 'problem', kind: 'problem' },
        series: ['clients'],
      },
    ],
  },
};

/** A report's answer (ReportDto), its rows as the API gives them. */
export type ReportRow = Record<string, string | number | boolean | null>;
export interface ReportData {
  report: string;
  period: { key: string; from: string; to: string } | null;
  generatedAt: string;
  summary: Record<string, string | number | boolean | null>;
  tables: Record<string, ReportRow[]>;
}
