export enum CampaignKind {
  Broadcast = 'broadcast',
  CeoLetter = 'ceo-letter',
  Plan = 'plan',
  /** Contact verification, preference confirmation: exempt from caps, never promotional. */
  Service = 'service',
}

export enum CampaignStatus {
  Draft = 'draft',
  Active = 'active',
  Paused = 'paused',
  Archived = 'archived',
}

export enum Priority {
  Normal = 'normal',
  High = 'high',
  MustSend = 'must-send',
}

/** Stored on deliveries as a number so that "lower priority" is a comparison. */
export const PRIORITY_RANK: Record<Priority, number> = {
  [Priority.Normal]: 0,
  [Priority.High]: 1,
  [Priority.MustSend]: 2,
};
