import { ApiProperty } from '@nestjs/swagger';
import { InboundKind, InboundOutcome, InboundVia } from '../inbound.enums';

export class DkimRecordDto {
  @ApiProperty({ example: 'tb1._domainkey.alfa.example' })
  name!: string;

  @ApiProperty({ example: 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA…' })
  value!: string;

  @ApiProperty({
    type: [String],
    description: 'The value cut into strings of at most 255 characters (one TXT record)',
  })
  strings!: string[];
}

export class DkimStatusDto {
  @ApiProperty({ description: 'Every email is signed' })
  configured!: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'alfa.example' })
  domain!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'tb1' })
  selector!: string | null;

  @ApiProperty({
    type: DkimRecordDto,
    nullable: true,
    description: 'The DNS TXT record to publish for the key',
  })
  record!: DkimRecordDto | null;
}

export class InboundStatusDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'VERP bounce domain; null: envelope sender is From',
    example: 'bounce.alfa.example',
  })
  bounceDomain!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'bounces+<delivery>-<signature>@bounce.alfa.example',
  })
  verpExample!: string | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The worker’s inbound SMTP port; null: off',
    example: 25,
  })
  smtpPort!: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The polled IMAP mailbox; null: off',
    example: 'bounces@imap.alfa.example/INBOX',
  })
  imapMailbox!: string | null;
}

export class InboundEventDto {
  @ApiProperty({ example: '42' })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  receivedAt!: string;

  @ApiProperty({ enum: InboundVia, enumName: 'InboundVia' })
  via!: InboundVia;

  @ApiProperty({ enum: InboundKind, enumName: 'InboundKind' })
  kind!: InboundKind;

  @ApiProperty({ enum: InboundOutcome, enumName: 'InboundOutcome' })
  outcome!: InboundOutcome;

  @ApiProperty({ type: String, nullable: true })
  deliveryId!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  clientId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'zakupki@romashka.example' })
  recipient!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '5.1.1' })
  statusCode!: string | null;

  @ApiProperty({ type: String, nullable: true })
  diagnostic!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'mailer-daemon@googlemail.com' })
  sender!: string | null;

  @ApiProperty({ type: String, nullable: true })
  subject!: string | null;

  @ApiProperty({ example: 5120 })
  sizeBytes!: number;
}

export class DeliverabilityDto {
  @ApiProperty({ type: DkimStatusDto })
  dkim!: DkimStatusDto;

  @ApiProperty({ type: InboundStatusDto })
  inbound!: InboundStatusDto;

  @ApiProperty({
    type: [InboundEventDto],
    description: 'The latest messages that came back, newest first (at most 20)',
  })
  events!: InboundEventDto[];
}
