import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsEnum, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Locale, StaffRole } from '@touchbase/core';
import { MAX_PASSWORD_LENGTH } from '../auth/passwords';
import { ActiveSession } from '../auth/staff-sessions.service';
import { StaffMember } from '../entities/staff-member.entity';

const lower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class SignInDto {
  @ApiProperty({ example: 'anna@example.com' })
  @Transform(lower)
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;
}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'anna@example.com' })
  @Transform(lower)
  @IsEmail({ require_tld: false })
  @MaxLength(320)
  email!: string;
}

export class SetPasswordDto {
  @ApiProperty({ description: 'The token of the set-password link' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  token!: string;

  @ApiProperty({ format: 'password', minLength: 10, maxLength: MAX_PASSWORD_LENGTH })
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;
}

export class LocaleDto {
  @ApiProperty({ enum: Locale })
  @IsEnum(Locale)
  locale!: Locale;
}

export class SessionStaffDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: StaffRole }) role!: StaffRole;
  @ApiProperty({ enum: Locale }) locale!: Locale;
}

export class SessionDto {
  @ApiProperty({ type: SessionStaffDto }) staff!: SessionStaffDto;

  @ApiProperty({ description: 'Send it in X-CSRF-Token on every write made with the session cookie' })
  csrfToken!: string;

  @ApiProperty({ format: 'date-time', description: 'When the session ends unless used (idle or absolute)' })
  expiresAt!: string;

  static from(staff: StaffMember, session: ActiveSession): SessionDto {
    return {
      staff: { id: staff.id, name: staff.name, email: staff.email, role: staff.role, locale: staff.locale },
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
    };
  }
}
