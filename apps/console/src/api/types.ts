// The shapes of the answers the console reads.
export type Role = 'admin' | 'marketer' | 'sales-ops';
export type Locale = 'ru' | 'en';
export type Channel = 'email' | 'sms' | 'call' | 'letter';
export type Category = 'A' | 'B' | 'C' | 'VIP';
export type Stage = 'potential' | 'probable' | 'prospect' | 'client' | 'key' | 'lapsed';

export const CATEGORIES: Category[] = ['VIP', 'A', 'B', 'C'];
export const STAGES: Stage[] = ['potential', 'probable', 'prospect', 'client', 'key', 'lapsed'];
export const ROLES: Role[] = ['admin', 'marketer', 'sales-ops'];
export const CHANNELS: Channel[] = ['email', 'sms', 'call', 'letter'];

export interface SessionStaff {
  id: string;
  name: string;
  email: string;
  role: Role;
  locale: Locale;
}

export interface Session {
  staff: SessionStaff;
  csrfToken: string;
  expiresAt: string;
}

export interface Overview {
  generatedAt: string;
  runsInFlight: {
    id: string;
    campaignId: string;
    campaignName: string;
    channel: Channel;
    status: string;
    total: number;
    done: number;
    sent: number;
    suppressed: number;
    failed: number;
    startedAt: string | null;
  }[];
  sentToday: Record<Channel, number>;
  upcoming: { date: string; campaignId: string; campaignName: string; channel: Channel; kind: string }[];
  suppressions30d: { reason: string; count: number }[];
  ceoLetterCoverage: { quarter: string; eligible: number; reached: number; percent: number };
  vipsCooling: { count: number };
  callsDueToday: { count: number; overdue: number };
}

export interface Owner {
  id: string;
  name: string;
  email: string;
}

export interface Client {
  id: string;
  externalRef: string | null;
  name: string;
  kind: string;
  contactName: string | null;
  email: string | null;
  phone: string | null;
  address: {
    recipient: string | null;
    lines: string[];
    city: string | null;
    region: string | null;
    postalCode: string | null;
    country: string | null;
  };
  locale: Locale;
  timeZone: string | null;
  owner: Owner | null;
  tags: string[];
  category: Category | null;
  categorySource: 'override' | 'vip-flag' | 'vip-rule' | 'computed' | null;
  vip: boolean;
  stage: Stage;
  stageChangedAt: string;
  lastPurchaseAt: string | null;
  purchaseCount: number;
  revenueTotal: number;
  lastTouchAt: string | null;
  contactVerifiedAt: string | null;
  contactFlags: string[];
  archivedAt: string | null;
  erasedAt: string | null;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface HistoryEntry {
  at: string;
  field: 'category' | 'stage';
  from: string | null;
  to: string | null;
  source: string;
  staffName?: string | null;
}

export interface Preferences {
  clientId: string;
  optedOut: boolean;
  channels: { emailAllowed: boolean; smsAllowed: boolean; callAllowed: boolean; letterAllowed: boolean };
  preferredChannel: Channel | null;
  topics: { key: string; subscribed: boolean; name?: string | null; nameRu?: string; nameEn?: string }[];
  frequency: string;
  quietHours: { start: string; end: string } | null;
  locale: Locale;
  timeZone: string | null;
  updatedAt: string;
}

export interface ConsentEntry {
  id: string;
  changedAt: string;
  actorType: string;
  actorId: string | null;
  source: string;
  item: string;
  oldValue: unknown;
  newValue: unknown;
}

export interface TimelineEvent {
  type: 'stage' | 'preference' | 'purchase' | 'delivery';
  at: string;
  data: Record<string, unknown>;
}

export interface StaffMember {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  locale?: Locale;
  lastSignInAt?: string | null;
  hasPassword?: boolean;
  createdAt: string;
}
