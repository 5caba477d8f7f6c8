import { Channel } from '@touchbase/core';

/** The channels an address can be suppressed on: email addresses, and phone numbers for SMS and calls. */
export const SUPPRESSION_CHANNELS = [Channel.Email, Channel.Sms, Channel.Call] as const;
export type SuppressionChannel = (typeof SUPPRESSION_CHANNELS)[number];

/** Why an address must not be contacted. */
export enum SuppressionReason {
  /** Hard bounces marked the address invalid (EMAIL_HARD_BOUNCE_LIMIT). */
  HardBounce = 'hard-bounce',
  /** The recipient reported the email as spam (an ARF feedback report). */
  Complaint = 'complaint',
  /** The number replied STOP (Twilio error 21610, or the STOP keyword to us). */
  SmsStop = 'sms-stop',
  /** Added by a member of staff. */
  Manual = 'manual',
  /** Brought over from a previous provider's list. */
  Imported = 'imported',
}
