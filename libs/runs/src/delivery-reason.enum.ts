/** Why a delivery was suppressed, cancelled or given up: the answer to "why didn't X get it?". */
export enum DeliveryReason {
  OptedOut = 'opted-out',
  TopicUnsubscribed = 'topic-unsubscribed',
  ChannelNotAllowed = 'channel-not-allowed',
  NoContactData = 'no-contact-data',
  /** The client's address for the channel is on the suppression list (bounces, complaints, STOP, manual). */
  SuppressionList = 'suppression-list',
  /** The topic is promotional and needs prior consent; the client has none recorded for the channel. */
  NoConsent = 'no-consent',
  /** In the workspace's global control group: no promotional touches, to measure what they bring. */
  ControlGroup = 'control-group',
  /** In the share of the campaign's audience held out to measure the campaign's effect. */
  Holdout = 'holdout',
  FrequencyCap = 'frequency-cap',
  QuietHoursExpired = 'quiet-hours-expired',
  Displaced = 'displaced',
  RunCancelled = 'run-cancelled',
  RunFailed = 'run-failed',
  ClientArchived = 'client-archived',
  AttemptsExhausted = 'attempts-exhausted',
  WrongNumber = 'wrong-number',
  NoAnswer = 'no-answer',
  /** The rest of an A/B test's audience, when the test does not send the winner to them. */
  ExperimentRestNotSent = 'experiment-rest-not-sent',
}

/** The planner's reasons, most specific first (what "suppressed" stores). */
export const SUPPRESSION_REASONS = [
  DeliveryReason.OptedOut,
  DeliveryReason.TopicUnsubscribed,
  DeliveryReason.ChannelNotAllowed,
  DeliveryReason.NoContactData,
  DeliveryReason.SuppressionList,
  DeliveryReason.NoConsent,
  DeliveryReason.ControlGroup,
  DeliveryReason.Holdout,
  DeliveryReason.FrequencyCap,
  DeliveryReason.QuietHoursExpired,
] as const;
