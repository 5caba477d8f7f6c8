import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { clearHardBounces, recordHardBounces } from '@touchbase/clients';
import { AppConfig } from '@touchbase/config';
import { Channel } from '@touchbase/core';
import { ActorType, ConsentSource, PreferencesService } from '@touchbase/preferences';
import { SuppressionReason, SuppressionService } from '@touchbase/suppression';

export interface BounceResult {
  clientId: string;
  bounces: number;
  /** The address was marked invalid by this bounce. */
  invalidated: boolean;
}

/** Hard-bounce bookkeeping on clients, for a whole batch at a time. */
@Injectable()
export class EmailBouncesService {
  private readonly logger = new Logger('Email');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly preferences: PreferencesService,
    private readonly suppressions: SuppressionService,
  ) {}

  /**
   * One entry per bounce (a client may appear twice). Counts them on the clients, marks the address
   * invalid (`email-invalid`) on reaching the limit, and writes the consent-log row for each address
   * newly marked, and puts the address on the suppression list (reason hard-bounce): the planner and
   * the send-time check then skip email for them. The one hard-bounce rule, at send time and inbound.
   */
  async record(clientIds: string[]): Promise<BounceResult[]> {
    if (clientIds.length === 0) return [];
    const rows = await this.dataSource.transaction(async (m) => {
      const bumped = await recordHardBounces(m, clientIds, this.config.email.hardBounceLimit);
      for (const r of bumped.filter((b) => b.invalidated)) {
        await this.preferences.logConsent(
          r.client_id,
          [
            {
              item: 'contact.email',
              oldValue: { email: r.email, valid: true },
              newValue: { email: r.email, valid: false, hardBounces: r.bounces },
            },
          ],
          { actorType: ActorType.System, source: ConsentSource.Bounce },
          m,
        );
      }
      await this.suppressions.add(
        bumped
          .filter((b) => b.invalidated && b.email)
          .map((b) => ({
            channel: Channel.Email,
            address: b.email!.toLowerCase(),
            reason: SuppressionReason.HardBounce,
            source: `client ${b.client_id}`,
            note: `${b.bounces} hard bounces`,
          })),
        m,
      );
      return bumped;
    });
    const invalidated = rows.filter((r) => r.invalidated).length;
    if (invalidated > 0) this.logger.log(`Marked ${invalidated} email addresses invalid after hard bounces`);
    return rows.map((r) => ({ clientId: r.client_id, bounces: r.bounces, invalidated: r.invalidated }));
  }

  async clear(clientIds: string[]): Promise<void> {
    await clearHardBounces(this.dataSource.manager, clientIds);
  }
}
