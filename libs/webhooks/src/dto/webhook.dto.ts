import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsEnum,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { WebhookDeliveryStatus, WebhookDisabledReason, WebhookEventType } from '../webhook.enums';

const SUBSCRIBABLE = Object.values(WebhookEventType).filter((t) => t !== WebhookEventType.Ping);

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://crm.example.com/hooks/touchbase' })
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'url must be an http(s) URL' },
  )
  @MaxLength(2000)
  url!: string;

  @ApiPropertyOptional({ example: 'CRM sync' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;

  @ApiPropertyOptional({
    enum: SUBSCRIBABLE,
    isArray: true,
    description: 'Empty or absent: every event type',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsEnum(SUBSCRIBABLE, { each: true, message: `eventTypes must be of: ${SUBSCRIBABLE.join(', ')}` })
  eventTypes?: WebhookEventType[];
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'url must be an http(s) URL' },
  )
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;

  @ApiPropertyOptional({ enum: SUBSCRIBABLE, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsEnum(SUBSCRIBABLE, { each: true, message: `eventTypes must be of: ${SUBSCRIBABLE.join(', ')}` })
  eventTypes?: WebhookEventType[];

  @ApiPropertyOptional({ description: 'false disables it (reason manual); true enables it again' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class ReplayWebhooksDto {
  @ApiPropertyOptional({ description: 'One event (its webhook-id)' })
  @IsOptional()
  @IsUUID()
  eventId?: string;

  @ApiPropertyOptional({ description: 'Or every event created from…' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ description: '…to (exclusive)' })
  @IsOptional()
  @IsDateString()
  to?: string;
}

export class WebhookEndpointDto {
  @ApiProperty() id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: SUBSCRIBABLE, isArray: true }) eventTypes!: WebhookEventType[];
  @ApiProperty() active!: boolean;
  @ApiProperty({ nullable: true, type: String }) disabledAt!: string | null;
  @ApiProperty({ enum: WebhookDisabledReason, nullable: true }) disabledReason!: WebhookDisabledReason | null;
  @ApiProperty({ nullable: true, type: String }) failingSince!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The error of the latest failed delivery (why a failing endpoint was disabled)',
  })
  lastError!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'When its newest delivered event arrived' })
  lastSuccessAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The last attempt of its newest failing event' })
  lastFailureAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The answer to that attempt (null: no answer)' })
  lastFailureStatusCode!: number | null;
}

export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({ description: 'Shown only now (on create and rotate): whsec_<base64>', example: 'whsec_…' })
  secret!: string;
}

export class WebhookDeliveryDto {
  @ApiProperty() id!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty({ enum: WebhookEventType }) type!: WebhookEventType;
  @ApiProperty({ nullable: true, type: String }) clientId!: string | null;
  @ApiProperty({ enum: WebhookDeliveryStatus }) status!: WebhookDeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty() nextAttemptAt!: string;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty() createdAt!: string;
}

export class WebhookCountDto {
  @ApiProperty({ description: 'Deliveries queued' }) queued!: number;
}
