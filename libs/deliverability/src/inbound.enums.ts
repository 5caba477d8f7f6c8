/** What an inbound message to the bounce address is. */
export enum InboundKind {
  /** A permanent failure (DSN 5.x.x, or a plain-text bounce saying so). */
  HardBounce = 'hard-bounce',
  /** A temporary failure or a delay warning (4.x.x, Action: delayed). */
  SoftBounce = 'soft-bounce',
  /** A spam complaint (ARF, RFC 5965). */
  Complaint = 'complaint',
  /** A delivery report of success (Action: delivered / relayed / expanded). */
  DeliveryReport = 'delivery-report',
  /** Out of office and other automatic replies. */
  AutoReply = 'auto-reply',
  /** None of these: kept for a person to look at. */
  Unknown = 'unknown',
}

/** What processing an inbound message did. */
export enum InboundOutcome {
  /** The delivery became bounced; the bounce counted toward the address's invalid rule. */
  Bounced = 'bounced',
  /** A soft bounce, recorded on the delivery (its status unchanged). */
  Recorded = 'recorded',
  /** Email turned off for the client, with a consent-log row. */
  OptedOut = 'opted-out',
  /** Already done by an earlier report (the delivery already bounced, email already off). */
  AlreadyApplied = 'already-applied',
  /** Nothing to do (auto-replies, success reports). */
  Ignored = 'ignored',
  /** A bounce or complaint naming no delivery of ours (or a forged code): kept, changes nothing. */
  Unmatched = 'unmatched',
  /** Not understood: kept (raw message included) for support. */
  Kept = 'kept',
}

/** How the message reached touchbase. */
export enum InboundVia {
  Smtp = 'smtp',
  Imap = 'imap',
}
