import { randomUUID } from 'node:crypto';
import { BadGatewayException, Injectable } from '@nestjs/common';
import { AppConfig } from '@touchbase/config';
import { Channel, ValidationException } from '@touchbase/core';
import { LinksService } from '@touchbase/links';
import { TemplatePreviewService, TemplatesService } from '@touchbase/templates';
import { EmailDriver, EmailSendError, OutgoingEmail } from '../drivers/email.driver';
import { asciiDomain } from '../email-address';
import { EmailMessageBuilder } from '../email-message.builder';
import { TestSendResultDto, TestSendTemplateDto } from './dto/test-send.dto';

/** A link version no client has (versions start at 0 and only grow): links signed with it never work. */
const DISARMED_VERSION = -1;

/**
 * Sends an email template, rendered for a real client as the preview renders it, to a test address
 * with "[TEST]" before the subject. The client's links in it are disarmed: a marketer clicking
 * "unsubscribe" in a test message gets "this link is no longer valid", not the client unsubscribed.
 */
@Injectable()
export class TemplateTestSendService {
  private readonly tokenLinks: RegExp;

  constructor(
    private readonly templates: TemplatesService,
    private readonly previews: TemplatePreviewService,
    private readonly driver: EmailDriver,
    private readonly messages: EmailMessageBuilder,
    private readonly links: LinksService,
    config: AppConfig,
  ) {
    const base = config.http.publicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.tokenLinks = new RegExp(`(${base}/(u|portal)/)([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)`, 'g');
  }

  async send(templateId: string, dto: TestSendTemplateDto): Promise<TestSendResultDto> {
    const template = await this.templates.get(templateId);
    if (template.channel !== Channel.Email) {
      throw new ValidationException(
        `Template ${template.name} is a ${template.channel} template; test-send here sends email templates only`,
        [{ field: 'id', messages: ['the template must be an email template'] }],
      );
    }
    const { to, ...preview } = dto;
    const rendered = await this.previews.preview(templateId, preview);
    if (rendered.channel !== Channel.Email) throw new Error('An email template rendered as text');
    const from = this.messages.defaultFrom;
    const message: OutgoingEmail = {
      from,
      to: { address: to },
      subject: `[TEST] ${rendered.subject}`,
      html: this.disarm(rendered.html),
      text: this.disarm(rendered.text),
      messageId: `<test-${randomUUID()}@${asciiDomain(from.address)}>`,
    };
    try {
      await this.driver.send(message);
    } catch (e) {
      if (e instanceof EmailSendError && e.isHardBounce) {
        throw new ValidationException(`The mail server refused ${to}: ${e.message}`, [
          {
            field: 'to',
            messages: [`the mail server refused the address: ${e.details.response ?? e.message}`],
          },
        ]);
      }
      throw new BadGatewayException(`The mail server did not take the message: ${(e as Error).message}`);
    }
    return { to, subject: message.subject, messageId: message.messageId };
  }

  private disarm(content: string): string {
    return content.replace(this.tokenLinks, (whole, prefix: string, kind: string, token: string) => {
      if (kind === 'u') {
        const v = this.links.verifyUnsubscribeToken(token);
        return v.ok ? prefix + this.links.unsubscribeToken({ ...v.payload, v: DISARMED_VERSION }) : whole;
      }
      const v = this.links.verifyPortalToken(token);
      return v.ok ? prefix + this.links.portalToken(v.payload.c, DISARMED_VERSION) : whole;
    });
  }
}
