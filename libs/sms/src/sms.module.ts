import { Module } from '@nestjs/common';
import { MessagePreparerService } from '@touchbase/dispatch';
import { ExperimentsModule } from '@touchbase/experiments';
import { PreferencesModule } from '@touchbase/preferences';
import { SuppressionModule } from '@touchbase/suppression';
import { TemplatesModule } from '@touchbase/templates';
import { smsDriverProvider, twilioSignatureProvider } from './drivers/sms-driver.provider';
import { RunSmsCostService } from './run-sms-cost.service';
import { RunSmsController } from './run-sms.controller';
import { SmsConsentService } from './sms-consent.service';
import { SmsHandler } from './sms.handler';
import { SmsPreviewService } from './sms-preview.service';
import { TemplateSmsPreviewController } from './template-sms-preview.controller';
import { TwilioSignatureGuard } from './twilio-signature.guard';
import { TwilioWebhooksController } from './twilio-webhooks.controller';
import { TwilioWebhooksService } from './twilio-webhooks.service';
import { WebhookEventsRetentionJob } from './webhook-events-retention.job';

/**
 * The SMS channel without HTTP: the driver SMS_DRIVER names, the dispatch handler (found by the
 * dispatcher through `@HandlesChannel`), SMS consent, webhook processing and run cost estimates.
 */
@Module({
  imports: [TemplatesModule, PreferencesModule, ExperimentsModule, SuppressionModule],
  providers: [
    smsDriverProvider,
    twilioSignatureProvider,
    SmsHandler,
    SmsConsentService,
    TwilioWebhooksService,
    // Prepares messages exactly as dispatch does, without the dispatcher loops of DispatchModule.
    MessagePreparerService,
    SmsPreviewService,
    RunSmsCostService,
  ],
  exports: [SmsHandler, SmsConsentService, TwilioWebhooksService, RunSmsCostService, twilioSignatureProvider],
})
export class SmsModule {}

/** Twilio's webhooks and the run SMS cost route, for the API. */
@Module({
  imports: [SmsModule, TemplatesModule],
  controllers: [TwilioWebhooksController, RunSmsController, TemplateSmsPreviewController],
  providers: [TwilioSignatureGuard],
})
export class SmsApiModule {}

/** The worker's SMS housekeeping: old provider callbacks deleted hourly. */
@Module({ providers: [WebhookEventsRetentionJob], exports: [WebhookEventsRetentionJob] })
export class SmsWorkerModule {}
