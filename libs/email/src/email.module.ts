import { Module } from '@nestjs/common';
import { PreferencesModule } from '@touchbase/preferences';
import { StaffModule } from '@touchbase/staff';
import { SuppressionModule } from '@touchbase/suppression';
import { TemplatesModule } from '@touchbase/templates';
import { emailDriverProvider } from './drivers/email-driver.provider';
import { EmailBouncesService } from './email-bounces.service';
import { EmailMessageBuilder } from './email-message.builder';
import { EmailHandler } from './email.handler';
import { SignatureImagesService } from './signature-images.service';
import { StaffEmailSender } from './staff-email.sender';
import { TemplateTestSendController } from './test-send/template-test-send.controller';
import { TemplateTestSendService } from './test-send/template-test-send.service';

/** The email driver (one SMTP pool per process, shared by the dispatcher and test-send). */
@Module({
  providers: [emailDriverProvider, EmailMessageBuilder],
  exports: [emailDriverProvider, EmailMessageBuilder],
})
export class EmailDriverModule {}

/** The email channel handler, for the worker (the dispatcher finds it by its @HandlesChannel mark). */
@Module({
  imports: [EmailDriverModule, TemplatesModule, PreferencesModule, SuppressionModule],
  providers: [EmailHandler, SignatureImagesService, EmailBouncesService],
  exports: [EmailBouncesService],
})
export class EmailModule {}

/** The API side: template test-send (marketers), and the staff emails' delivery. */
@Module({
  imports: [EmailDriverModule, TemplatesModule, StaffModule],
  controllers: [TemplateTestSendController],
  providers: [TemplateTestSendService, StaffEmailSender],
})
export class EmailApiModule {}
