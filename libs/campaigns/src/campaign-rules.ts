import { Channel, CHANNELS, FieldError } from '@touchbase/core';
import { CampaignKind, Priority } from './campaign.enums';
import type { CampaignTemplates, ChannelRule } from './entities/campaign.entity';
import { checkSchedule, isValidTimeZone } from './schedule';

export const TEMPLATE_NAME = /^[a-z0-9][a-z0-9-]{0,99}$/;
export const CEO_LETTER_TOPIC = 'company-letters';
export const SERVICE_TOPIC = 'service';
/** A campaign holds out at most half of its audience. */
export const MAX_HOLDOUT_SHARE = 0.5;

/** What a kind fixes: a ceo-letter is must-send about company-letters; a service campaign is about service. */
export const KIND_RULES: Partial<Record<CampaignKind, { topicKey?: string; priority?: Priority }>> = {
  [CampaignKind.CeoLetter]: { topicKey: CEO_LETTER_TOPIC, priority: Priority.MustSend },
  [CampaignKind.Service]: { topicKey: SERVICE_TOPIC },
};

/** The fields of a campaign that rules are checked on (a stored campaign or one about to be). */
export interface CampaignShape {
  kind: CampaignKind;
  topicKey?: string;
  channels: Channel[];
  channelRules: ChannelRule[];
  templates: CampaignTemplates;
  priority: Priority;
  schedule: unknown;
  timeZone: string;
  signerId: string | null;
  holdoutShare: number;
}

/** Every channel a client of the campaign may get: the default list and those of the category rules. */
export function usedChannels(c: Pick<CampaignShape, 'channels' | 'channelRules'>): Channel[] {
  const all = new Set<Channel>([...c.channels, ...c.channelRules.flatMap((r) => r.channels)]);
  return CHANNELS.filter((ch) => all.has(ch));
}

/** Letters carry a signature, and a CEO letter is signed by definition. */
export function needsSigner(c: Pick<CampaignShape, 'kind' | 'channels' | 'channelRules'>): boolean {
  return c.kind === CampaignKind.CeoLetter || usedChannels(c).includes(Channel.Letter);
}

/**
 * Fills what the kind fixes into the fields not given (on create, or when the kind changes), so a
 * ceo-letter needs no priority or topic and a service campaign no topic.
 */
export function applyKindDefaults<T extends { kind?: CampaignKind; topicKey?: string; priority?: Priority }>(
  given: T,
): T {
  const rules = given.kind ? KIND_RULES[given.kind] : undefined;
  if (!rules) return given;
  return {
    ...given,
    ...(given.topicKey === undefined && rules.topicKey && { topicKey: rules.topicKey }),
    ...(given.priority === undefined && rules.priority && { priority: rules.priority }),
  };
}

/** Everything that can be checked without the database, with each problem on its field. */
export function campaignShapeProblems(c: CampaignShape): FieldError[] {
  const problems: FieldError[] = [];
  const add = (field: string, message: string) => {
    const known = problems.find((p) => p.field === field);
    if (known) known.messages.push(message);
    else problems.push({ field, messages: [message] });
  };

  // Kind rules.
  if (c.kind === CampaignKind.CeoLetter) {
    if (c.priority !== Priority.MustSend) {
      add('priority', `a ceo-letter is always must-send (got ${c.priority}); leave priority out`);
    }
    if (c.topicKey !== CEO_LETTER_TOPIC) {
      add(
        'topicKey',
        `a ceo-letter is about the ${CEO_LETTER_TOPIC} topic (got ${c.topicKey}); leave topicKey out`,
      );
    }
  } else if (c.kind === CampaignKind.Service) {
    if (c.topicKey !== SERVICE_TOPIC) {
      add(
        'topicKey',
        `a service campaign is never promotional: its topic is ${SERVICE_TOPIC} (got ${c.topicKey})`,
      );
    }
  } else if (c.topicKey === undefined) {
    add('topicKey', `topicKey is required for a ${c.kind} campaign`);
  } else if (c.topicKey === SERVICE_TOPIC) {
    add('topicKey', `the ${SERVICE_TOPIC} topic is only for service campaigns (this one is ${c.kind})`);
  }

  // A holdout measures a promotional campaign; a service or must-send one reaches everyone it can.
  if (c.holdoutShare > 0 && c.kind === CampaignKind.Service) {
    add('holdoutShare', 'a service campaign reaches everyone it must: it cannot hold anyone out');
  } else if (c.holdoutShare > 0 && c.priority === Priority.MustSend) {
    add('holdoutShare', 'a must-send campaign reaches everyone it can: it cannot hold anyone out');
  }

  // Channel rules: a category in at most one rule.
  const ruleOf = new Map<string, number>();
  c.channelRules.forEach((rule, i) => {
    for (const category of rule.categories) {
      const earlier = ruleOf.get(category);
      if (earlier !== undefined) {
        add(`channelRules[${i}].categories`, `${category} is already in channelRules[${earlier}]`);
      } else ruleOf.set(category, i);
    }
  });

  // Templates: one name per channel the campaign uses.
  const used = usedChannels(c);
  for (const [channel, name] of Object.entries(c.templates ?? {})) {
    const field = `templates.${channel}`;
    if (!CHANNELS.includes(channel as Channel)) {
      add(field, `${channel} is not a channel (channels: ${CHANNELS.join(', ')})`);
    } else if (!used.includes(channel as Channel)) {
      add(field, `${channel} is not one of the campaign's channels (${used.join(', ')})`);
    }
    if (typeof name !== 'string' || !TEMPLATE_NAME.test(name)) {
      add(field, `${field} must be a template name: lower-case letters, digits and dashes`);
    }
  }

  if (!isValidTimeZone(c.timeZone))
    add('timeZone', `timeZone must be an IANA time zone such as Europe/Moscow`);
  for (const p of checkSchedule(c.schedule).problems) p.messages.forEach((m) => add(p.field, m));
  return problems;
}
