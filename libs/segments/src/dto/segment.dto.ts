import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsObject, IsString, MaxLength, ValidateIf } from 'class-validator';
import { Category, Stage } from '@touchbase/clients';
import { Segment } from '../entities/segment.entity';
import {
  describeSegmentFields,
  SegmentFieldDescription,
  SegmentOperatorDescription,
} from '../segment-compiler';
import type { SegmentRule } from '../segment-rule';
import type { ValueDescription } from '../segment-values';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

const RULES_DOC =
  'A rule tree: `{ "all": [rules] }` (every rule holds; empty = everyone), `{ "any": [rules] }` ' +
  '(at least one holds; empty = nobody), `{ "not": rule }`, or a condition `{ "field", "op", "value", ' +
  '"windowDays" (revenue only) }`. Fields, operators and value types: `GET /api/v1/segments/fields`. ' +
  'At most 10 levels deep and 200 conditions. neq / notIn also match clients with no value. ' +
  'Archived and erased clients are never members.\n\n' +
  describeSegmentFields()
    .map((f) => `- \`${f.field}\` (${f.ops.map((o) => o.op).join(', ')}): ${f.description}`)
    .join('\n');

const RULES_EXAMPLE = {
  all: [
    { field: 'category', op: 'in', value: ['A', 'VIP'] },
    { field: 'revenue', op: 'gte', value: 100000, windowDays: 365 },
    { not: { field: 'tags', op: 'contains', value: 'dealer' } },
    { field: 'topicSubscribed', op: 'is', value: { topic: 'news', subscribed: true } },
  ],
};

const RULES_PROPERTY = {
  type: 'object',
  additionalProperties: true,
  description: RULES_DOC,
  example: RULES_EXAMPLE,
} as const;

export class CreateSegmentDto {
  @ApiProperty({ example: 'VIP и A без дилеров', description: 'Unique, ignoring case' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'Крупные клиенты, подписанные на новости' })
  @ValidateIf((_: object, value: unknown) => value !== undefined) // absent is fine; null is not
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  description?: string;

  // The tree itself is checked by the segment compiler, which names each problem by its JSON path.
  @ApiProperty(RULES_PROPERTY)
  @IsObject()
  rules!: SegmentRule;
}

// Every field optional but none nullable: a name, description or rule tree cannot be cleared.
// (Extending the create DTO the other way round would inherit IsOptional onto its required fields.)
export class UpdateSegmentDto extends PartialType(CreateSegmentDto, { skipNullProperties: false }) {}

export class PreviewSegmentDto {
  @ApiProperty(RULES_PROPERTY)
  @IsObject()
  rules!: SegmentRule;
}

export class SegmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ ...RULES_PROPERTY, description: 'The rule tree, normalised (see the fields list)' })
  rules!: SegmentRule;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(s: Segment): SegmentDto {
    return {
      id: s.id,
      name: s.name,
      description: s.description,
      rules: s.rules,
      createdBy: s.createdBy,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    };
  }
}

export class SegmentListDto {
  @ApiProperty({ type: [SegmentDto] }) items!: SegmentDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end',
  })
  nextCursor!: string | null;
}

/** A client as listed in a segment: enough to recognise it; the full record is at /clients/:id. */
export class SegmentMemberDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: Category, nullable: true }) category!: Category | null;
  @ApiProperty({ enum: Stage }) stage!: Stage;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) city!: string | null;
}

export class SegmentMemberListDto {
  @ApiProperty({ type: [SegmentMemberDto], description: 'Ordered by name, then id' })
  items!: SegmentMemberDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end',
  })
  nextCursor!: string | null;
}

export class SegmentPreviewDto {
  @ApiProperty({ description: 'How many clients match now' }) count!: number;
  @ApiProperty({ type: [SegmentMemberDto], description: 'The first 20 by name, then id' })
  sample!: SegmentMemberDto[];
}

export class SegmentValueDto implements ValueDescription {
  @ApiProperty({
    enum: [
      'none',
      'string',
      'string[]',
      'uuid',
      'uuid[]',
      'number',
      '[number, number]',
      'integer',
      'boolean',
      'topic',
    ],
  })
  type!: ValueDescription['type'];
  @ApiPropertyOptional({ type: [String], description: 'The only values allowed' })
  allowed?: readonly string[];
  @ApiPropertyOptional() min?: number;
  @ApiPropertyOptional() max?: number;
  @ApiPropertyOptional({ description: 'For lists: the most items allowed' }) maxItems?: number;
  @ApiProperty() description!: string;
  @ApiPropertyOptional({ description: 'An example value' }) example?: unknown;
}

export class SegmentOperatorDto implements SegmentOperatorDescription {
  @ApiProperty({ example: 'in' }) op!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: SegmentValueDto }) value!: SegmentValueDto;
}

export class SegmentWindowDto {
  @ApiProperty() min!: number;
  @ApiProperty() max!: number;
  @ApiProperty() default!: number;
  @ApiProperty() description!: string;
}

export class SegmentFieldDto implements SegmentFieldDescription {
  @ApiProperty({ example: 'category' }) field!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: SegmentWindowDto, nullable: true, description: 'Set for windowed fields (revenue)' })
  windowDays!: SegmentWindowDto | null;
  @ApiProperty({ type: [SegmentOperatorDto] }) ops!: SegmentOperatorDto[];
}

export class SegmentFieldsDto {
  @ApiProperty({ type: [SegmentFieldDto] }) items!: SegmentFieldDto[];
}

export class SegmentSampleClientDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: Category, nullable: true }) category!: Category | null;
  @ApiProperty({ nullable: true, type: String }) city!: string | null;
}

export class SegmentCountDto {
  @ApiProperty({
    description: 'The hash of the normalised rule tree; `GET /api/v1/segments/counts/{ruleHash}`',
    example: 'a3f1…',
  })
  ruleHash!: string;
  @ApiProperty({ description: 'How many clients match: exact, or an estimate when `exact` is false' })
  count!: number;
  @ApiProperty({
    description:
      'false: the count is an estimate from a sample of the client table (the exact count could not ' +
      'be taken in time); the exact count is being taken and is read under `ruleHash`',
  })
  exact!: boolean;
  @ApiPropertyOptional({ description: 'When the exact count was taken (exact answers only)' })
  computedAt?: string;
  @ApiPropertyOptional({ description: 'When the estimate was made (estimates only)' })
  estimatedAt?: string;
  @ApiProperty({
    type: [SegmentSampleClientDto],
    description: 'Ten matching clients, by name; empty while an estimate waits for its exact count',
  })
  sample!: SegmentSampleClientDto[];
}
