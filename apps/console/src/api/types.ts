import type { Schemas } from './client';

// The shapes of the answers the console reads: generated from the OpenAPI document where the API
// declares them (Schemas), written here for the endpoints that do not (yet).
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

export type Overview = Schemas['OverviewDto'];

export type Client = Schemas['ClientResponseDto'];
export type Topic = Schemas['TopicDto'];
export type Signer = Schemas['SignerDto'];
export type Owner = NonNullable<Client['owner']>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type HistoryEntry = Schemas['ClientHistoryEntryDto'];

export type Preferences = Schemas['PreferencesDto'];
export type ConsentEntry = Schemas['ConsentLogDto']['items'][number];
export type TimelineEvent = Omit<Schemas['TimelineDto']['items'][number], 'type'> & {
  type: 'stage' | 'preference' | 'purchase' | 'delivery';
};

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
