import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { DomainException, ErrorCode, ValidationException } from '@touchbase/core';
import { rowsOf } from '@touchbase/database';
import { PasswordTokenPurpose } from '../entities/staff-password-token.entity';
import { StaffMember } from '../entities/staff-member.entity';
import { PasswordTokensService } from './password-tokens.service';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords';
import { passwordLinkEmail, StaffMailer } from './staff-mail';
import { OpenedSession, StaffSessionsService } from './staff-sessions.service';

/** Failed sign-ins counted over this window… */
export const SIGN_IN_WINDOW_MINUTES = 15;
/** …at most this many per address… */
export const SIGN_IN_FAILURES_PER_EMAIL = 5;
/** …and this many per IP. */
export const SIGN_IN_FAILURES_PER_IP = 20;

export const WRONG_CREDENTIALS = 'Wrong email or password';

/** Sign-in refused for a while: the HTTP layer adds Retry-After. */
export class SignInThrottledException extends DomainException {
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      ErrorCode.RateLimited,
      `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      { retryAfterSeconds, minutes },
    );
  }
}

export interface SignInClient {
  ip: string;
  userAgent?: string;
}

/** Email + password sign-in (throttled), set-password links, password reset. */
@Injectable()
export class StaffAuthService {
  private readonly logger = new Logger('StaffAuth');

  constructor(
    @InjectRepository(StaffMember) private readonly members: Repository<StaffMember>,
    private readonly dataSource: DataSource,
    private readonly sessions: StaffSessionsService,
    private readonly tokens: PasswordTokensService,
    private readonly mailer: StaffMailer,
    private readonly config: AppConfig,
  ) {}

  /**
   * Opens a session for the right email and password. Wrong password, unknown address, no password
   * yet and an inactive member all get the same 401; too many failures get a 429 first.
   */
  async signIn(
    email: string,
    password: string,
    client: SignInClient,
  ): Promise<{ staff: StaffMember; session: OpenedSession }> {
    const address = email.trim().toLowerCase();
    await this.assertNotThrottled(address, client.ip);
    const member = await this.members.findOneBy({ email: address });
    const ok = await verifyPassword(member?.passwordHash, password);
    if (!member || !ok || !member.active) {
      await this.members.query(`INSERT INTO staff_sign_in_failures (email, ip) VALUES ($1, $2)`, [
        address,
        client.ip,
      ]);
      throw new DomainException(ErrorCode.Unauthorized, WRONG_CREDENTIALS);
    }
    await this.members.query(
      `DELETE FROM staff_sign_in_failures
        WHERE email = $1 OR failed_at < now() - make_interval(mins => $2)`,
      [address, SIGN_IN_WINDOW_MINUTES * 4],
    );
    await this.members.update({ id: member.id }, { lastSignInAt: () => 'now()' });
    const session = await this.sessions.open(member.id, client);
    return { staff: await this.members.findOneByOrFail({ id: member.id }), session };
  }

  private async assertNotThrottled(email: string, ip: string): Promise<void> {
    const [row] = rowsOf<{ email_wait: number | null; ip_wait: number | null }>(
      await this.members.query(
        `WITH recent AS (
           SELECT email, ip, failed_at FROM staff_sign_in_failures
            WHERE (email = $1 OR ip = $2) AND failed_at > now() - make_interval(mins => $3))
         SELECT
           (SELECT extract(epoch FROM failed_at + make_interval(mins => $3) - now())
              FROM recent WHERE email = $1 ORDER BY failed_at DESC OFFSET $4 - 1 LIMIT 1) AS email_wait,
           (SELECT extract(epoch FROM failed_at + make_interval(mins => $3) - now())
              FROM recent WHERE ip = $2 ORDER BY failed_at DESC OFFSET $5 - 1 LIMIT 1) AS ip_wait`,
        [email, ip, SIGN_IN_WINDOW_MINUTES, SIGN_IN_FAILURES_PER_EMAIL, SIGN_IN_FAILURES_PER_IP],
      ),
    );
    const wait = Math.max(Number(row?.email_wait ?? 0), Number(row?.ip_wait ?? 0));
    if (wait > 0) throw new SignInThrottledException(Math.ceil(wait));
  }

  /** Emails a reset link when the address belongs to an active member; silent otherwise. */
  async requestReset(email: string): Promise<void> {
    const member = await this.members.findOneBy({ email: email.trim().toLowerCase() });
    if (!member?.active) return;
    await this.sendLink(member, PasswordTokenPurpose.Reset);
  }

  /** Issues a set-password token for the member and emails the link in their language. */
  async sendLink(member: StaffMember, purpose: PasswordTokenPurpose): Promise<void> {
    const token = await this.tokens.issue(member.id, purpose);
    const message = passwordLinkEmail({
      purpose,
      locale: member.locale,
      name: member.name,
      link: this.tokens.link(token),
      workspace: this.config.company.name,
    });
    try {
      await this.mailer.send({ to: { name: member.name, address: member.email }, ...message });
    } catch (e) {
      this.logger.error(`Could not email the ${purpose} link to ${member.email}: ${(e as Error).message}`);
    }
  }

  /**
   * Sets the password from a set-password token (used up here) and ends the member's other
   * sessions; `keepSessionId` is the caller's own session, if it is the same member's.
   */
  async setPassword(token: string, password: string, keepSessionId?: string): Promise<StaffMember> {
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new ValidationException(`The password needs at least ${MIN_PASSWORD_LENGTH} characters`, [
        { field: 'password', messages: [`password must be at least ${MIN_PASSWORD_LENGTH} characters`] },
      ]);
    }
    const passwordHash = await hashPassword(password);
    return this.dataSource.transaction(async (manager) => {
      const used = await this.tokens.consume(manager, token);
      if ('problem' in used) {
        const message = {
          unknown: 'This link is not valid; ask for a new one',
          used: 'This link has already been used; ask for a new one',
          expired: 'This link has expired; ask for a new one',
        }[used.problem];
        throw new ValidationException(message, [
          { field: 'token', messages: [`the link is ${used.problem}`] },
        ]);
      }
      await manager.update(StaffMember, { id: used.memberId }, { passwordHash });
      await this.sessions.endAll(used.memberId, keepSessionId, manager);
      return manager.findOneByOrFail(StaffMember, { id: used.memberId });
    });
  }
}
