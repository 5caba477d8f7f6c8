import { Module } from '@nestjs/common';
import { PreferencesModule } from '@touchbase/preferences';
import { TemplatesModule } from '@touchbase/templates';
import { emailDriverProvider } from './drivers/email-driver.provider';
import { EmailBouncesService } from './email-bounces.service';
import { EmailMessageBuilder } from './email-message.builder';
import { EmailHandler } from './email.handler';
import { SignatureImages } from './signature-images.service';
import { TemplateTestSendController } from './test-send/template-test-send.controller';
import { TemplateTestSendService } from './test-send/template-test-send.service';
import { UnsubscribeController } from './unsubscribe/unsubscribe.controller';
import { UnsubscribeService } from './unsubscribe/unsubscribe.service';

/** The email driver (one SMTP pool per process, shared by the dispatcher and test-send). */
@Module({
  providers: [emailDriverProvider, EmailMessageBuilder],
  exports: [emailDriverProvider, EmailMessageBuilder],
})
export class EmailDriverModule {}

/** The email channel handler, for the worker (the dispatcher finds it by its @HandlesChannel mark). */
@Module({
  imports: [EmailDriverModule, TemplatesModule, PreferencesModule],
  providers: [EmailHandler, SignatureImages, EmailBouncesService],
})
export class EmailModule {}

/** The API side: one-click unsubscribe pages (public) and template test-send (marketers). */
@Module({
  imports: [EmailDriverModule, TemplatesModule, PreferencesModule],
  controllers: [UnsubscribeController, TemplateTestSendController],
  providers: [UnsubscribeService, TemplateTestSendService],
})
export class EmailApiModule {}
