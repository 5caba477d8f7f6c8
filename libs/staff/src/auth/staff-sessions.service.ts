import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { rowsOf } from '@touchbase/database';
import { StaffMember } from '../entities/staff-member.entity';
import { StaffSession } from '../entities/staff-session.entity';
import { hashToken, randomToken } from './tokens';

export const SESSION_COOKIE = 'tb_session';

export interface ActiveSession {
  id: string;
  csrfToken: string;
  /** The sooner of the idle and the absolute end. */
  expiresAt: Date;
  /** The absolute end: the cookie's expiry. */
  absoluteExpiresAt: Date;
}

export interface OpenedSession extends ActiveSession {
  /** The cookie's value: returned once, only its hash is stored. */
  token: string;
}

interface SessionRow {
  id: string;
  csrf_token: string;
  expires_at: Date;
  last_seen_at: Date;
  staff_member_id: string;
}

/** Browser sessions of staff members: opened at sign-in, refreshed by use, ended by time or on demand. */
@Injectable()
export class StaffSessionsService {
  constructor(
    @InjectRepository(StaffSession) private readonly sessions: Repository<StaffSession>,
    @InjectRepository(StaffMember) private readonly members: Repository<StaffMember>,
    private readonly config: AppConfig,
  ) {}

  private get idleMs(): number {
    return this.config.staffSessions.idleMinutes * 60_000;
  }

  async open(memberId: string, client: { ip?: string; userAgent?: string } = {}): Promise<OpenedSession> {
    const token = randomToken();
    const csrfToken = randomToken(24);
    const [row] = rowsOf<SessionRow>(
      await this.sessions.query(
        `INSERT INTO staff_sessions (staff_member_id, token_hash, csrf_token, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, now() + make_interval(hours => $4), $5, $6)
         RETURNING id, csrf_token, expires_at, last_seen_at, staff_member_id`,
        [
          memberId,
          hashToken(token),
          csrfToken,
          this.config.staffSessions.maxHours,
          client.ip ?? null,
          client.userAgent?.slice(0, 500) ?? null,
        ],
      ),
    );
    return { ...this.toActive(row), token };
  }

  /**
   * The session and its member for a cookie's token, refreshing the idle expiry; null when the
   * session is unknown, ended, idle too long, past its absolute end, or its member is inactive.
   */
  async authenticate(token: string): Promise<{ session: ActiveSession; staff: StaffMember } | null> {
    if (!token || token.length > 200) return null;
    const [row] = rowsOf<SessionRow>(
      await this.sessions.query(
        `UPDATE staff_sessions s SET last_seen_at = now()
           FROM staff_members m
          WHERE s.token_hash = $1 AND m.id = s.staff_member_id AND m.active
            AND s.ended_at IS NULL AND s.expires_at > now()
            AND s.last_seen_at > now() - make_interval(mins => $2)
         RETURNING s.id, s.csrf_token, s.expires_at, s.last_seen_at, s.staff_member_id`,
        [hashToken(token), this.config.staffSessions.idleMinutes],
      ),
    );
    if (!row) return null;
    const staff = await this.members.findOneBy({ id: row.staff_member_id });
    if (!staff) return null;
    return { session: this.toActive(row), staff };
  }

  /** The id of the open session a token belongs to (whatever its state), for sign-out. */
  async end(token: string): Promise<void> {
    await this.sessions.query(
      `UPDATE staff_sessions SET ended_at = now() WHERE token_hash = $1 AND ended_at IS NULL`,
      [hashToken(token)],
    );
  }

  /** Ends every open session of a member, but `exceptSessionId`. */
  async endAll(memberId: string, exceptSessionId?: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.sessions.manager).query(
      `UPDATE staff_sessions SET ended_at = now()
        WHERE staff_member_id = $1 AND ended_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)`,
      [memberId, exceptSessionId ?? null],
    );
  }

  private toActive(row: SessionRow): ActiveSession {
    const absolute = new Date(row.expires_at);
    const idle = new Date(new Date(row.last_seen_at).getTime() + this.idleMs);
    return {
      id: row.id,
      csrfToken: row.csrf_token,
      expiresAt: idle < absolute ? idle : absolute,
      absoluteExpiresAt: absolute,
    };
  }
}
