/** Why a delivery was suppressed, cancelled or given up: the answer to "why didn't X get it?". */
export enum DeliveryReason {
  OptedOut = 'opted-out',
  TopicUnsubscribed = 'topic-unsubscribed',
  ChannelNotAllowed = 'channel-not-allowed',
  NoContactData = 'no-contact-data',
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
  DeliveryReason.FrequencyCap,
  DeliveryReason.QuietHoursExpired,
] as const;
