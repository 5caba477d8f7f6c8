import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsOmittable } from '@touchbase/http';
import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { Topic } from '../entities/topic.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class UpdateTopicDto {
  @ApiPropertyOptional({ example: 'Вебинары' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  nameRu?: string;

  @ApiPropertyOptional({ example: 'Webinars' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  nameEn?: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  descriptionRu?: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  descriptionEn?: string;

  @ApiPropertyOptional({ description: 'true: opt-out topic (subscribed by default); false: opt-in' })
  @IsOmittable()
  @IsBoolean()
  defaultSubscribed?: boolean;

  @ApiPropertyOptional({
    description:
      'Promotional, needs prior consent: no promotional touch on this topic without the client’s recorded consent for the channel',
  })
  @IsOmittable()
  @IsBoolean()
  requiresConsent?: boolean;
}

export class CreateTopicDto extends OmitType(UpdateTopicDto, ['nameRu', 'nameEn'] as const) {
  @ApiProperty({ example: 'webinars', description: 'lower-case letters, digits and -' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    message: 'key must be lower-case letters, digits and - (up to 63)',
  })
  key!: string;

  @ApiProperty({ example: 'Вебинары' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  nameRu!: string;

  @ApiProperty({ example: 'Webinars' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  nameEn!: string;
}

export class TopicDto {
  @ApiProperty() key!: string;
  @ApiProperty() nameRu!: string;
  @ApiProperty() nameEn!: string;
  @ApiProperty() descriptionRu!: string;
  @ApiProperty() descriptionEn!: string;
  @ApiProperty() defaultSubscribed!: boolean;
  @ApiProperty({ description: 'Promotional: needs the client’s prior consent per channel' })
  requiresConsent!: boolean;
  @ApiProperty({ description: 'Seeded topics can be renamed, not deleted' }) system!: boolean;

  static from(t: Topic): TopicDto {
    return {
      key: t.key,
      nameRu: t.nameRu,
      nameEn: t.nameEn,
      descriptionRu: t.descriptionRu,
      descriptionEn: t.descriptionEn,
      defaultSubscribed: t.defaultSubscribed,
      requiresConsent: t.requiresConsent,
      system: t.system,
    };
  }
}

export class TopicListDto {
  @ApiProperty({ type: [TopicDto] }) items!: TopicDto[];
}
