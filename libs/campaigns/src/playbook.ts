import { DateTime } from 'luxon';
import { EntityManager } from 'typeorm';
import { Category, Stage } from '@touchbase/clients';
import { Channel } from '@touchbase/core';
import { ensureNamedSegment, SegmentRule } from '@touchbase/segments';
import { CampaignKind, Priority } from './campaign.enums';
import type { CampaignTemplates, ChannelRule } from './entities/campaign.entity';
import type { ScheduleSpec } from './schedule.types';

/** A segment a playbook program targets; created when no segment of that name exists. */
export interface PlaybookSegment {
  name: string;
  description: string;
  rules: SegmentRule;
}

/** One practice of the playbook (shared/seeds), proposed as a draft campaign for a marketer to review. */
export interface PlaybookProgram {
  key: string;
  name: string;
  description: string;
  kind: CampaignKind;
  segment: PlaybookSegment | null;
  topicKey: string;
  channels: Channel[];
  channelRules: ChannelRule[];
  templates: CampaignTemplates;
  priority: Priority;
  /** Built when seeding: some schedules need the current year. */
  schedule: (now: DateTime) => ScheduleSpec;
  requiresEdition: boolean;
}

export const PLAYBOOK_SEGMENTS = {
  vip: {
    name: 'VIP clients',
    description: 'Clients in the VIP category (manual flag or rule).',
    rules: { field: 'category', op: 'eq', value: Category.Vip },
  },
  lapsed: {
    name: 'Lapsed clients',
    description: 'Clients with no purchase for a long time (stage lapsed).',
    rules: { field: 'stage', op: 'eq', value: Stage.Lapsed },
  },
  unverified: {
    name: 'Contact data not verified for a year',
    description: 'Clients whose contact data was last verified more than 365 days ago, or never.',
    rules: { field: 'contactVerified', op: 'olderThanDays', value: 365 },
  },
} satisfies Record<string, PlaybookSegment>;

export const PLAYBOOK_PROGRAMS: readonly PlaybookProgram[] = [
  {
    key: 'monthly-broadcast',
    name: 'Monthly newsletter',
    description:
      'At least one message a month to the whole base (playbook 004, situation 4). Each month needs its ' +
      'edition: an occurrence without one is held, never sent with stale content.',
    kind: CampaignKind.Broadcast,
    segment: null,
    topicKey: 'news',
    channels: [Channel.Email, Channel.Sms],
    channelRules: [],
    templates: { email: 'monthly-broadcast', sms: 'monthly-broadcast' },
    priority: Priority.Normal,
    schedule: () => ({ type: 'monthly', day: 1, time: '10:00' }),
    requiresEdition: true,
  },
  {
    key: 'ceo-quarterly-letter',
    name: 'CEO quarterly letter',
    description:
      'Once a quarter, a letter signed by the CEO to every client, so no client "belongs" to a salesperson ' +
      '(playbook 004, situation 6; 003: involve top management). VIP and A clients get it by post, the others ' +
      'by email. Choose the signer before activating; each quarter needs its edition.',
    kind: CampaignKind.CeoLetter,
    segment: null,
    topicKey: 'company-letters',
    channels: [Channel.Email],
    channelRules: [{ categories: [Category.Vip, Category.A], channels: [Channel.Letter, Channel.Email] }],
    templates: { letter: 'ceo-letter', email: 'ceo-letter' },
    priority: Priority.MustSend,
    schedule: () => ({ type: 'quarterly', time: '10:00' }),
    requiresEdition: true,
  },
  {
    key: 'vip-owner-call',
    name: 'VIP owner call',
    description:
      'Each month the account manager calls every VIP client: close contact "with reasonable periodicity" ' +
      '(playbook 003).',
    kind: CampaignKind.Plan,
    segment: PLAYBOOK_SEGMENTS.vip,
    topicKey: 'news',
    channels: [Channel.Call],
    channelRules: [],
    templates: { call: 'vip-call' },
    priority: Priority.High,
    schedule: () => ({ type: 'monthly', day: 5, time: '11:00' }),
    requiresEdition: false,
  },
  {
    key: 'win-back',
    name: 'Win-back of lapsed clients',
    description:
      'Lapsed clients are not forgotten: a monthly offer to come back (playbook 004, situation 3).',
    kind: CampaignKind.Plan,
    segment: PLAYBOOK_SEGMENTS.lapsed,
    topicKey: 'promotions',
    channels: [Channel.Email, Channel.Sms],
    channelRules: [],
    templates: { email: 'win-back', sms: 'win-back' },
    priority: Priority.Normal,
    schedule: () => ({ type: 'monthly', day: 15, time: '11:00' }),
    requiresEdition: false,
  },
  {
    key: 'contact-verification',
    name: 'Contact verification calls',
    description:
      'Stale contact data is verified by phone once a year (playbook 004, situation 1). A service campaign: ' +
      'never promotional and exempt from frequency caps.',
    kind: CampaignKind.Service,
    segment: PLAYBOOK_SEGMENTS.unverified,
    topicKey: 'service',
    channels: [Channel.Call],
    channelRules: [],
    templates: { call: 'contact-verification-call' },
    priority: Priority.Normal,
    schedule: () => ({ type: 'monthly', day: 10, time: '10:00' }),
    requiresEdition: false,
  },
  {
    key: 'satisfaction-survey',
    name: 'Satisfaction survey',
    description:
      'Twice a year, ask every client what they value in working with us and what we should improve ' +
      '(playbook 004, situation 10); the answers are given in the portal.',
    kind: CampaignKind.Broadcast,
    segment: null,
    topicKey: 'surveys',
    channels: [Channel.Email, Channel.Sms],
    channelRules: [],
    templates: { email: 'survey-invitation', sms: 'survey-invitation' },
    priority: Priority.Normal,
    schedule: (now) => ({
      type: 'rrule',
      rrule: 'FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=15',
      dtstart: `${now.year}-01-01T11:00`,
    }),
    requiresEdition: false,
  },
];

export interface PlaybookSeedResult {
  created: string[];
  /** Programs whose name is taken by a campaign a person created. */
  skipped: string[];
}

/**
 * Creates the programs that do not exist yet, as drafts in the workspace zone. Idempotent and safe
 * when replicas start together: the unique playbook_key index decides, with ON CONFLICT DO NOTHING.
 * Templates and signers are not needed yet: activation asks for them.
 */
export async function seedPlaybook(
  manager: EntityManager,
  timeZone: string,
  now = new Date(),
): Promise<PlaybookSeedResult> {
  const result: PlaybookSeedResult = { created: [], skipped: [] };
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  for (const program of PLAYBOOK_PROGRAMS) {
    const [existing] = await manager.query(`SELECT 1 FROM campaigns WHERE playbook_key = $1`, [program.key]);
    if (existing) continue;
    const segmentId = program.segment ? await ensureNamedSegment(manager, program.segment) : null;
    // Untargeted: a conflict on the playbook key (another replica) or on the name both skip.
    const inserted: unknown[] = await manager.query(
      `INSERT INTO campaigns (name, description, kind, status, segment_id, topic_key, channels, channel_rules,
                              templates, priority, schedule, time_zone, requires_edition, playbook_key)
       VALUES ($1, $2, $3, 'draft', $4, $5, $6::text[], $7::jsonb, $8::jsonb, $9, $10::jsonb, $11, $12, $13)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        program.name,
        program.description,
        program.kind,
        segmentId,
        program.topicKey,
        program.channels,
        JSON.stringify(program.channelRules),
        JSON.stringify(program.templates),
        program.priority,
        JSON.stringify(program.schedule(local)),
        timeZone,
        program.requiresEdition,
        program.key,
      ],
    );
    if (inserted.length > 0) {
      result.created.push(program.name);
      continue;
    }
    const [raced] = await manager.query(`SELECT 1 FROM campaigns WHERE playbook_key = $1`, [program.key]);
    if (!raced) result.skipped.push(program.name);
  }
  return result;
}
