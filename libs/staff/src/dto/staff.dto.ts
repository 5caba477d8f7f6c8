import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsEnum, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { Locale, StaffRole } from '@touchbase/core';
import { IsOmittable } from '@touchbase/http';
import { StaffMember } from '../entities/staff-member.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class CreateStaffMemberDto {
  @ApiProperty({ example: 'Анна Петрова' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'anna@example.com' })
  @Transform(lower)
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ enum: StaffRole })
  @IsEnum(StaffRole)
  role!: StaffRole;
}

export class InviteStaffMemberDto extends CreateStaffMemberDto {
  @ApiPropertyOptional({
    enum: Locale,
    description: 'The language of the invitation and the console (default ru)',
  })
  @IsOptional()
  @IsEnum(Locale)
  locale?: Locale;
}

export class UpdateStaffMemberDto {
  @ApiPropertyOptional()
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @Transform(lower)
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ enum: StaffRole })
  @IsOmittable()
  @IsEnum(StaffRole)
  role?: StaffRole;

  @ApiPropertyOptional({
    description: "false deactivates: the member's sessions end and keys are revoked, at once.",
  })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;
}

export class StaffMemberDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: StaffRole }) role!: StaffRole;
  @ApiProperty() active!: boolean;
  @ApiProperty({ enum: Locale }) locale!: Locale;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastSignInAt!: string | null;
  @ApiProperty({ description: 'Whether the member has set a password (can sign in to the console)' })
  hasPassword!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(s: StaffMember): StaffMemberDto {
    return {
      id: s.id,
      name: s.name,
      email: s.email,
      role: s.role,
      active: s.active,
      locale: s.locale,
      lastSignInAt: s.lastSignInAt?.toISOString() ?? null,
      hasPassword: !!s.passwordHash,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    };
  }
}

export class StaffMemberListDto {
  @ApiProperty({ type: [StaffMemberDto] }) items!: StaffMemberDto[];
}
