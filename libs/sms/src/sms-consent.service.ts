import { Injectable, Logger } from '@nestjs/common';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { DataSource, EntityManager } from 'typeorm';
import { Channel } from '@touchbase/core';
import { ActorType, ConsentSource, PreferencesService } from '@touchbase/preferences';
import { SuppressionReason, SuppressionService } from '@touchbase/suppression';
import { SmsKeyword } from './sms-keywords';
import { ContactFlag, flagContact, unflagContact } from '@touchbase/clients';
import { CLIENTS_BY_PHONE_SQL } from './sms.sql';

/**
 * SMS consent from the SMS side: Twilio's 21610 (the recipient replied STOP to our sender) and the
 * STOP / START keywords clients send us. Changes go through PreferencesService, so each real change is
 * one consent-log row (source `sms`). The consent log has no note column: what the client wrote goes
 * into `user_agent` — the column erasure blanks, as it may hold personal data. STOP (either way) puts
 * the number on the suppression list (reason sms-stop); START takes it off.
 */
@Injectable()
export class SmsConsentService {
  private readonly logger = new Logger('SMS');

  constructor(
    private readonly dataSource: DataSource,
    private readonly preferences: PreferencesService,
    private readonly suppressions: SuppressionService,
  ) {}

  /** Never SMS this client again: contact flag `sms-blocked` and SMS consent off (actor: system). */
  async block(clientId: string, note: string, manager?: EntityManager): Promise<void> {
    if (!manager) return this.dataSource.transaction((m) => this.block(clientId, note, m));
    await flagContact(manager, clientId, ContactFlag.SmsBlocked);
    await this.preferences.update(
      clientId,
      { channels: { sms: false } },
      { actorType: ActorType.System, source: ConsentSource.Sms, userAgent: note },
      manager,
    );
    await this.suppressions.addForClient(
      clientId,
      Channel.Sms,
      SuppressionReason.SmsStop,
      { source: 'twilio', note: note.slice(0, 1000) },
      manager,
    );
    this.logger.warn(`Client ${clientId} blocked for SMS: ${note}`);
  }

  /**
   * A keyword from a phone number applies to every client with that number (the number is what
   * opted out). START also lifts the `sms-blocked` flag: Twilio lets the number receive again after
   * it. Returns the clients it applied to.
   */
  async applyKeyword(
    from: string,
    keyword: SmsKeyword,
    text: string,
    manager: EntityManager,
  ): Promise<string[]> {
    const phone = toE164(from);
    if (!phone) return [];
    const clients: { id: string }[] = await manager.query(CLIENTS_BY_PHONE_SQL, [phone]);
    const note = `SMS from ${phone}: "${text.trim().slice(0, 160)}"`;
    if (keyword === 'start')
      await this.suppressions.liftAddress(Channel.Sms, phone, `The number sent START: ${note}`, manager);
    else
      await this.suppressions.add(
        [
          {
            channel: Channel.Sms,
            address: phone,
            reason: SuppressionReason.SmsStop,
            source: 'sms keyword',
            note,
          },
        ],
        manager,
      );
    for (const { id } of clients) {
      if (keyword === 'start') await unflagContact(manager, id, ContactFlag.SmsBlocked);
      await this.preferences.update(
        id,
        { channels: { sms: keyword === 'start' } },
        { actorType: ActorType.Client, source: ConsentSource.Sms, userAgent: note },
        manager,
      );
    }
    return clients.map((c) => c.id);
  }
}

function toE164(value: string): string | null {
  const parsed = parsePhoneNumberFromString(value.trim());
  return parsed?.isValid() ? parsed.number : null;
}
