import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { Roles } from '@touchbase/core';
import { dkimDnsRecord } from '@touchbase/email';
import { ApiErrors } from '@touchbase/http';
import { DeliverabilityDto, InboundEventDto } from './dto/deliverability.dto';

const LATEST_EVENTS_SQL = `
  SELECT id::text, received_at, via, kind, outcome, delivery_id::text, client_id, recipient, status_code,
         diagnostic, sender, subject, size_bytes
    FROM inbound_bounce_events ORDER BY received_at DESC, id DESC LIMIT 20`;

@ApiTags('deliverability')
@ApiBearerAuth('api-key')
@ApiErrors(401, 403)
@Controller('api/v1/deliverability')
export class DeliverabilityController {
  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Roles()
  @ApiOperation({
    summary:
      'DKIM signing, VERP and the inbound bounce paths as configured, and the latest messages that came back',
    description:
      'Admins only. `dkim.record` is the DNS TXT record to publish for the configured key (derived from it). ' +
      'Events: what each bounce, complaint or auto-reply was taken for and what was done.',
  })
  @ApiOkResponse({ type: DeliverabilityDto })
  async status(): Promise<DeliverabilityDto> {
    const dkim = this.config.dkim;
    const bounces = this.config.bounces;
    const rows: Record<string, unknown>[] = await this.dataSource.query(LATEST_EVENTS_SQL);
    return {
      dkim: dkim
        ? {
            configured: true,
            domain: dkim.domain,
            selector: dkim.selector,
            record: (({ name, value, strings }) => ({ name, value, strings }))(
              dkimDnsRecord(dkim.privateKey, dkim.domain, dkim.selector),
            ),
          }
        : { configured: false, domain: null, selector: null, record: null },
      inbound: {
        bounceDomain: bounces.domain,
        verpExample: bounces.domain ? `${bounces.localPart}+<delivery>-<signature>@${bounces.domain}` : null,
        smtpPort: bounces.smtp?.port ?? null,
        imapMailbox: bounces.imap
          ? `${bounces.imap.user}@${bounces.imap.host}/${bounces.imap.mailbox}`
          : null,
      },
      events: rows.map((r): InboundEventDto => ({
        id: r.id as string,
        receivedAt: new Date(r.received_at as string).toISOString(),
        via: r.via as InboundEventDto['via'],
        kind: r.kind as InboundEventDto['kind'],
        outcome: r.outcome as InboundEventDto['outcome'],
        deliveryId: (r.delivery_id as string) ?? null,
        clientId: (r.client_id as string) ?? null,
        recipient: (r.recipient as string) ?? null,
        statusCode: (r.status_code as string) ?? null,
        diagnostic: (r.diagnostic as string) ?? null,
        sender: (r.sender as string) ?? null,
        subject: (r.subject as string) ?? null,
        sizeBytes: r.size_bytes as number,
      })),
    };
  }
}
