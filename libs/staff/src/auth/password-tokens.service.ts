import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { rowsOf } from '@touchbase/database';
import { PasswordTokenPurpose, StaffPasswordToken } from '../entities/staff-password-token.entity';
import { hashToken, randomToken } from './tokens';

const VALID_HOURS: Record<PasswordTokenPurpose, number> = {
  [PasswordTokenPurpose.Invitation]: 7 * 24,
  [PasswordTokenPurpose.FirstStart]: 7 * 24,
  [PasswordTokenPurpose.Reset]: 1,
};

export type PasswordTokenProblem = 'unknown' | 'used' | 'expired';

/** Single-use, expiring set-password links (invitation, reset, first start). */
@Injectable()
export class PasswordTokensService {
  constructor(
    @InjectRepository(StaffPasswordToken) private readonly tokens: Repository<StaffPasswordToken>,
    private readonly config: AppConfig,
  ) {}

  /** A new token; the member's earlier unused tokens stop working. */
  async issue(memberId: string, purpose: PasswordTokenPurpose, manager?: EntityManager): Promise<string> {
    const m = manager ?? this.tokens.manager;
    const token = randomToken();
    await m.query(
      `UPDATE staff_password_tokens SET used_at = now() WHERE staff_member_id = $1 AND used_at IS NULL`,
      [memberId],
    );
    await m.query(
      `INSERT INTO staff_password_tokens (staff_member_id, token_hash, purpose, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(hours => $4))`,
      [memberId, hashToken(token), purpose, VALID_HOURS[purpose]],
    );
    return token;
  }

  link(token: string): string {
    return `${this.config.http.publicUrl}/console/set-password?token=${encodeURIComponent(token)}`;
  }

  /** Uses the token up (in `manager`'s transaction): the member it was for, or why it cannot be used. */
  async consume(
    manager: EntityManager,
    token: string,
  ): Promise<{ memberId: string } | { problem: PasswordTokenProblem }> {
    const [row] = rowsOf<{ id: string; staff_member_id: string; used: boolean; expired: boolean }>(
      await manager.query(
        `SELECT id, staff_member_id, used_at IS NOT NULL AS used, expires_at <= now() AS expired
           FROM staff_password_tokens WHERE token_hash = $1 FOR UPDATE`,
        [hashToken(token)],
      ),
    );
    if (!row) return { problem: 'unknown' };
    if (row.used) return { problem: 'used' };
    if (row.expired) return { problem: 'expired' };
    await manager.query(`UPDATE staff_password_tokens SET used_at = now() WHERE id = $1`, [row.id]);
    return { memberId: row.staff_member_id };
  }
}
