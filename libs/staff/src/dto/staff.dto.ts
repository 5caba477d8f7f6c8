import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsEnum, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { StaffRole } from '@touchbase/core';
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

  @ApiPropertyOptional({ description: "A deactivated member's keys stop working at once." })
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
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(s: StaffMember): StaffMemberDto {
    return {
      id: s.id,
      name: s.name,
      email: s.email,
      role: s.role,
      active: s.active,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    };
  }
}

export class StaffMemberListDto {
  @ApiProperty({ type: [StaffMemberDto] }) items!: StaffMemberDto[];
}
