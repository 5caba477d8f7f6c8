import { ActorType, ConsentSource } from './entities/consent-log-entry.entity';

/** Who changed preferences, through what, and what they were shown: written with every change. */
export interface ConsentContext {
  actorType: ActorType;
  actorId?: string | null;
  source: ConsentSource;
  ip?: string | null;
  userAgent?: string | null;
  /** The version of the wording the person saw (portal copy, form text). */
  wordingVersion?: string | null;
}

export function staffContext(staffId: string, source = ConsentSource.AdminApi): ConsentContext {
  return { actorType: ActorType.Staff, actorId: staffId, source };
}
