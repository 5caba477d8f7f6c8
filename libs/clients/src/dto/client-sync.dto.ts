import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { IsOmittable } from '@touchbase/http';
import { isValidTimeZone } from '../contact-normalizer';
import { AddressDto, UpdateClientDto } from './client.dto';

/** At most this many records per bulk call; more → 400, send several calls. */
export const MAX_SYNC_RECORDS = 10_000;

// IANA zones, remembered: checking one builds an Intl.DateTimeFormat, too slow 10,000 times a call.
const knownZones = new Map<string, boolean>();
function IsKnownTimeZone(): PropertyDecorator {
  return ValidateBy({
    name: 'isTimeZone',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        let known = knownZones.get(value);
        if (known === undefined) {
          known = isValidTimeZone(value);
          if (knownZones.size < 1000) knownZones.set(value, known);
        }
        return known;
      },
      defaultMessage: () => 'timeZone must be a valid IANA time zone',
    },
  });
}

/**
 * One client of a bulk upsert, keyed by its external reference. A field left out keeps what is
 * stored; null clears it (where a field may be empty). Validated item by item in ClientSyncService,
 * so a bad record is reported by index and never rejects the good ones. (Its values are trimmed, and
 * blank ones made null, by the service before validation: class-transformer is too slow for 10,000.)
 */
export class SyncClientItemDto extends OmitType(UpdateClientDto, [
  'externalRef',
  'name',
  'timeZone',
  'address',
  'stage',
  'contactVerified',
] as const) {
  @ApiProperty({ example: 'CRM-000123', description: 'The id in the CRM/ERP: the key of the upsert' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  externalRef!: string;

  @ApiPropertyOptional({ example: 'ООО «Ромашка»', description: 'Required for a new client' })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ type: AddressDto })
  @IsOmittable()
  @ValidateNested()
  address?: AddressDto;

  @ApiPropertyOptional({ type: String, example: 'Asia/Yekaterinburg', nullable: true })
  @IsOptional()
  @IsKnownTimeZone()
  timeZone?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'anna@touchbase.example',
    description: 'The account manager by their staff email (or give ownerId)',
  })
  @IsOptional()
  @IsEmail({}, { message: 'ownerEmail must be an email address' })
  ownerEmail?: string | null;

  @ApiPropertyOptional({
    description: 'true archives the client (nothing is sent to it); false brings it back',
  })
  @IsOmittable()
  @IsBoolean()
  archived?: boolean;
}

export class SyncClientsDto {
  @ApiProperty({
    type: [SyncClientItemDto],
    maxItems: MAX_SYNC_RECORDS,
    description: `Up to ${MAX_SYNC_RECORDS} clients, each keyed by externalRef`,
  })
  @IsArray()
  @ArrayNotEmpty({ message: 'items must hold at least one client' })
  @ArrayMaxSize(MAX_SYNC_RECORDS, {
    message: `items may hold at most ${MAX_SYNC_RECORDS} clients per call; send the rest in further calls`,
  })
  items!: unknown[];
}

export class SyncRecordErrorDto {
  @ApiProperty({ description: 'Position of the record in the request, from 0' }) index!: number;
  @ApiProperty({ nullable: true, type: String, description: 'The record’s reference, when it has one' })
  externalRef!: string | null;
  @ApiProperty({ example: 'email', description: 'The field at fault; empty for the whole record' })
  field!: string;
  @ApiProperty({ example: 'email must be an email address' }) message!: string;
}

export class SyncClientsResultDto {
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'New references' }) created!: number;
  @ApiProperty({ description: 'Known references with new data' }) updated!: number;
  @ApiProperty({ description: 'Known references, same data: nothing written' }) unchanged!: number;
  @ApiProperty({ description: 'Records not written; each has one or more entries in errors' })
  failed!: number;
  @ApiProperty({ type: [SyncRecordErrorDto] }) errors!: SyncRecordErrorDto[];
}

export enum ClientRemovalMode {
  /** The client stays (history, reports) but is never contacted; the usual "deleted in the CRM". */
  Archive = 'archive',
  /** Right to erasure: personal data wiped, irreversible (admins only). */
  Erase = 'erase',
}

export class RemoveClientsDto {
  @ApiProperty({ type: [String], example: ['CRM-000123'], maxItems: MAX_SYNC_RECORDS })
  @IsArray()
  @ArrayNotEmpty({ message: 'externalRefs must hold at least one reference' })
  @ArrayMaxSize(MAX_SYNC_RECORDS, {
    message: `externalRefs may hold at most ${MAX_SYNC_RECORDS} references per call`,
  })
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  externalRefs!: string[];

  @ApiPropertyOptional({ enum: ClientRemovalMode, default: ClientRemovalMode.Archive })
  @IsOptional()
  @IsIn(Object.values(ClientRemovalMode), { message: 'mode must be archive or erase' })
  mode?: ClientRemovalMode;
}

export class RemoveClientsResultDto {
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'Archived (or erased) by this call' }) removed!: number;
  @ApiProperty({ description: 'Already archived (or erased) before' }) unchanged!: number;
  @ApiProperty({ description: 'References no client has' }) failed!: number;
  @ApiProperty({ type: [SyncRecordErrorDto] }) errors!: SyncRecordErrorDto[];
}
