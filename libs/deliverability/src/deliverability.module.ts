import { Module } from '@nestjs/common';
import { ClientHooksModule } from '@touchbase/clients';
import { EmailModule } from '@touchbase/email';
import { PreferencesModule } from '@touchbase/preferences';
import { SuppressionModule } from '@touchbase/suppression';
import { DeliverabilityController } from './deliverability.controller';
import { ImapBouncePoller } from './imap-bounce.poller';
import { InboundBounceProcessor } from './inbound-bounce.processor';
import { InboundBouncesDataExportHook } from './inbound-bounces-data-export.hook';
import { InboundBouncesErasureHook } from './inbound-bounces-erasure.hook';
import { InboundSmtpListener } from './inbound-smtp.listener';

/** The worker's inbound paths for bounces and complaints (each off until configured) and their processor. */
@Module({
  imports: [EmailModule, PreferencesModule, SuppressionModule],
  providers: [InboundBounceProcessor, InboundSmtpListener, ImapBouncePoller],
  exports: [InboundBounceProcessor],
})
export class DeliverabilityWorkerModule {}

/** The API side: the console's deliverability status, and what erasing a client means for the events. */
@Module({
  imports: [ClientHooksModule],
  controllers: [DeliverabilityController],
  providers: [InboundBouncesErasureHook, InboundBouncesDataExportHook],
})
export class DeliverabilityApiModule {}
