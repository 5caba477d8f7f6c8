import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { IsOmittable } from '@touchbase/http';
import { Branding, contrastWithWhite } from './branding.service';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimToNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value;

/** White text must stay readable on the colour (WCAG AA for normal text: 4.5:1). */
function ReadableUnderWhiteText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'readableUnderWhiteText',
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || !/^#[0-9a-f]{6}$/i.test(value) || contrastWithWhite(value) >= 4.5,
        defaultMessage: () =>
          'colour is too light: white text on it must have a contrast of at least 4.5:1 (choose a darker shade)',
      },
    },
    options,
  );
}

export class UpdateBrandingDto {
  @ApiPropertyOptional({ example: 'ООО «Альфа»', description: 'The company’s name, as Russian-speaking clients see it' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    example: 'Alfa LLC',
    nullable: true,
    description: 'The name English-speaking clients see; null or empty: they see `name`',
  })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(200)
  nameEn?: string | null;

  @ApiPropertyOptional({
    example: '#0b5394',
    nullable: true,
    description: 'The header and button colour, #rrggbb, dark enough for white text; null: the default',
  })
  @IsOptional()
  @IsString()
  @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'colour must be a colour like #0b5394' })
  @ReadableUnderWhiteText()
  colour?: string | null;
}

export class BrandingDto {
  @ApiProperty({ example: 'ООО «Альфа»' }) name!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Alfa LLC' }) nameEn!: string | null;
  @ApiProperty({ example: '#0b5394' }) colour!: string;
  @ApiProperty({ description: 'Whether a logo is uploaded (PUT /api/v1/branding/logo)' }) hasLogo!: boolean;
  @ApiProperty({ description: 'Changes with every change of the branding' }) version!: string;

  static from(b: Branding): BrandingDto {
    return { name: b.name, nameEn: b.nameEn, colour: b.colour, hasLogo: b.logo !== null, version: b.version };
  }
}
