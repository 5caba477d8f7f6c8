import { FactoryProvider } from '@nestjs/common';
import { AppConfig, EmailDriverName } from '@touchbase/config';
import { EmailDriver } from './email.driver';
import { FileEmailDriver } from './file-email.driver';
import { SmtpEmailDriver } from './smtp-email.driver';

/** EMAIL_DRIVER picks the driver: `smtp` (SMTP_URL, pooled, rate-limited) or `file` (.eml files). */
export const emailDriverProvider: FactoryProvider<EmailDriver> = {
  provide: EmailDriver,
  inject: [AppConfig],
  useFactory: (config: AppConfig): EmailDriver => {
    const email = config.email;
    if (email.driver === EmailDriverName.Smtp) {
      return new SmtpEmailDriver({
        url: email.smtpUrl!, // validated when the driver is smtp
        maxConnections: email.maxConnections,
        ratePerSecond: email.ratePerSecond,
        socketTimeoutMs: Math.min(60_000, (config.dispatch.batchSeconds * 1000) / 2),
        dkim: config.dkim,
      });
    }
    return new FileEmailDriver(email.fileDir, config.dkim);
  },
};
