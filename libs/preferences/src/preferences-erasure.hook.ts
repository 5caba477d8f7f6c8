import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientErasureHooks } from '@touchbase/clients';

/**
 * Erasing a client opts it out of everything, and blanks the personal data of its consent log: the
 * log stays (it proves consent), minus IP, user agent and contact values.
 */
@Injectable()
export class PreferencesErasureHook implements OnModuleInit {
  constructor(private readonly hooks: ClientErasureHooks) {}

  onModuleInit(): void {
    this.hooks.register('preferences', async (manager, clientId) => {
      await manager.query(
        `UPDATE client_preferences SET opted_out = true, updated_at = now() WHERE client_id = $1`,
        [clientId],
      );
      await manager.query(`SET LOCAL touchbase.erasure = 'on'`);
      await manager.query(
        `UPDATE consent_log SET ip = NULL, user_agent = NULL,
                old_value = CASE WHEN item LIKE 'contact.%' THEN '"[erased]"'::jsonb ELSE old_value END,
                new_value = CASE WHEN item LIKE 'contact.%' THEN '"[erased]"'::jsonb ELSE new_value END
          WHERE client_id = $1`,
        [clientId],
      );
    });
  }
}
