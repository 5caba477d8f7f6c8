import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { StaffMailer } from '@touchbase/staff';
import { EmailDriver } from './drivers/email.driver';
import { asciiDomain } from './email-address';
import { EmailMessageBuilder } from './email-message.builder';

/** Staff emails (invitations, password resets) go out through the same driver as every email. */
@Injectable()
export class StaffEmailSender implements OnModuleInit {
  constructor(
    private readonly mailer: StaffMailer,
    private readonly driver: EmailDriver,
    private readonly messages: EmailMessageBuilder,
  ) {}

  onModuleInit(): void {
    this.mailer.register(async (message) => {
      const from = this.messages.defaultFrom;
      await this.driver.send({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<staff-${randomUUID()}@${asciiDomain(from.address)}>`,
      });
    });
  }
}
