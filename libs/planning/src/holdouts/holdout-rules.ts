import { CampaignKind } from '@touchbase/campaigns';

/** Where the workspace's control group is kept (workspace_settings). */
export const CONTROL_GROUP_KEY = 'control-group';
/** At most a fifth of the base in the control group: it gets no promotional touches at all. */
export const MAX_CONTROL_GROUP_SHARE = 0.2;

export interface ControlGroupSettings {
  /** Share of the clients in the control group, 0 (off) to MAX_CONTROL_GROUP_SHARE. */
  share: number;
  /** CEO letters skip the control group too (by default they still reach it). */
  includeCeoLetters: boolean;
  /** Generated once: membership is a hash of the client and this salt, stable while it stays. */
  salt: string;
}

export const DEFAULT_CONTROL_GROUP: Omit<ControlGroupSettings, 'salt'> = {
  share: 0,
  includeCeoLetters: false,
};

/**
 * The one stable hash of holdouts, as SQL: the first 32 bits of md5(key) as a fraction in [0, 1)
 * (`tb_hash_fraction`, a migration's function). The same on every run and PostgreSQL version.
 */
export const hashFractionSql = (key: string) => `tb_hash_fraction(${key})`;

/** Whether a client is in a campaign's holdout: the hash of (client, campaign) below the share. */
export const inHoldoutSql = (client: string, campaign: string, share: string) =>
  `${hashFractionSql(`${client}::text || ${campaign}::text`)} < ${share}`;

/** Whether a client is in the workspace's control group: the hash of (client, salt) below the share. */
export const inControlGroupSql = (client: string, salt: string, share: string) =>
  `${hashFractionSql(`${client}::text || ${salt}`)} < ${share}`;

/** Promotional kinds skip the control group; a CEO letter only when configured; service never. */
export function controlGroupApplies(
  kind: CampaignKind,
  settings: Omit<ControlGroupSettings, 'salt'>,
): boolean {
  if (settings.share <= 0) return false;
  if (kind === CampaignKind.Broadcast || kind === CampaignKind.Plan) return true;
  if (kind === CampaignKind.CeoLetter) return settings.includeCeoLetters;
  return false;
}
