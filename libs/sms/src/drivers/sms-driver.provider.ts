import { Provider } from '@nestjs/common';
import { AppConfig, SmsDriverName } from '@touchbase/config';
import { LogSmsDriver } from './log-sms.driver';
import { SmsDriver } from './sms-driver';
import { TwilioSignatureVerifier } from './twilio-signature-verifier';
import { TwilioSmsDriver } from './twilio-sms.driver';

/** The driver SMS_DRIVER names. */
export const smsDriverProvider: Provider = {
  provide: SmsDriver,
  inject: [AppConfig],
  useFactory: (config: AppConfig): SmsDriver => {
    const { driver, twilio, logFile, concurrency } = config.sms;
    if (driver === SmsDriverName.Twilio && twilio) return new TwilioSmsDriver({ ...twilio, concurrency });
    return new LogSmsDriver(logFile);
  },
};

export const twilioSignatureProvider: Provider = {
  provide: TwilioSignatureVerifier,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => new TwilioSignatureVerifier(config.sms.twilio?.authToken),
};
