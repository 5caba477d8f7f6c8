import { Module } from '@nestjs/common';
import { ClientHooksModule } from '@touchbase/clients';
import { EmailModule } from '@touchbase/email';
import { PreferencesModule } from '@touchbase/preferences';
import { ImapBouncePoller } from './imap-bounce.poller';
import { InboundBounceProcessor } from './inbound-bounce.processor';
import { InboundBouncesErasureHook } from './inbound-bounces-erasure.hook';
import { InboundSmtpListener } from './inbound-smtp.listener';

/** The worker's inbound paths for bounces and complaints (each off until configured) and their processor. */
@Module({
  imports: [EmailModule, PreferencesModule],
  providers: [InboundBounceProcessor, InboundSmtpListener, ImapBouncePoller],
  exports: [InboundBounceProcessor],
})
export class DeliverabilityWorkerModule {}

/** The API side: what erasing a client means for the inbound events. */
@Module({
  imports: [ClientHooksModule],
  providers: [InboundBouncesErasureHook],
})
export class DeliverabilityApiModule {}
