import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AnyStaff, Roles, StaffRole, ValidationException } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CurrentStaff } from './auth/current-staff.decorator';
import { LocaleDto } from './dto/auth.dto';
import {
  CreateStaffMemberDto,
  InviteStaffMemberDto,
  StaffMemberDto,
  StaffMemberListDto,
  UpdateStaffMemberDto,
} from './dto/staff.dto';
import { StaffMember } from './entities/staff-member.entity';
import { StaffService } from './staff.service';

@ApiTags('staff')
@ApiBearerAuth('api-key')
@ApiErrors(401, 403)
@Controller('api/v1')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Get('me')
  @AnyStaff()
  @ApiOperation({ summary: 'The staff member signed in (by session or key)' })
  me(@CurrentStaff() member: StaffMember): StaffMemberDto {
    return StaffMemberDto.from(member);
  }

  @Put('me/locale')
  @AnyStaff()
  @ApiOperation({ summary: 'Remember the language of the console (and of emails) for this member' })
  @ApiErrors(400)
  async setLocale(@CurrentStaff() member: StaffMember, @Body() dto: LocaleDto): Promise<LocaleDto> {
    return { locale: await this.staff.setLocale(member.id, dto.locale) };
  }

  @Get('staff')
  @AnyStaff()
  @ApiOperation({ summary: 'List staff members (owners of clients, marketers, admins)' })
  @ApiQuery({ name: 'role', enum: StaffRole, required: false })
  @ApiQuery({ name: 'active', type: Boolean, required: false })
  @ApiErrors(400)
  async list(@Query('role') role?: string, @Query('active') active?: string): Promise<StaffMemberListDto> {
    const filter = parseStaffFilter(role, active);
    return { items: (await this.staff.list(filter)).map(StaffMemberDto.from) };
  }

  @Post('staff')
  @Roles(StaffRole.Admin)
  @ApiOperation({ summary: 'Create a staff member' })
  @ApiErrors(400, 409)
  async create(@Body() dto: CreateStaffMemberDto): Promise<StaffMemberDto> {
    return StaffMemberDto.from(await this.staff.create(dto));
  }

  @Post('staff/invitations')
  @Roles(StaffRole.Admin)
  @ApiOperation({ summary: 'Invite a staff member: creates them and emails a set-password link (7 days)' })
  @ApiErrors(400, 409)
  async invite(@Body() dto: InviteStaffMemberDto): Promise<StaffMemberDto> {
    return StaffMemberDto.from(await this.staff.invite(dto));
  }

  @Post('staff/:id/deactivate')
  @HttpCode(200)
  @Roles(StaffRole.Admin)
  @ApiOperation({ summary: "Deactivate: ends the member's sessions and revokes their API keys" })
  @ApiErrors(400, 404, 409)
  async deactivate(@Param('id', ParseUUIDPipe) id: string): Promise<StaffMemberDto> {
    return StaffMemberDto.from(await this.staff.deactivate(id));
  }

  @Post('staff/:id/activate')
  @HttpCode(200)
  @Roles(StaffRole.Admin)
  @ApiOperation({ summary: 'Activate a deactivated member again (they sign in anew; old keys stay revoked)' })
  @ApiErrors(400, 404)
  async activate(@Param('id', ParseUUIDPipe) id: string): Promise<StaffMemberDto> {
    return StaffMemberDto.from(await this.staff.activate(id));
  }

  @Get('staff/:id')
  @AnyStaff()
  @ApiOperation({ summary: 'Get a staff member' })
  @ApiErrors(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<StaffMemberDto> {
    return StaffMemberDto.from(await this.staff.get(id));
  }

  @Patch('staff/:id')
  @HttpCode(200)
  @Roles(StaffRole.Admin)
  @ApiOperation({ summary: 'Change a staff member (name, email, role, active)' })
  @ApiErrors(400, 404, 409)
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateStaffMemberDto,
  ): Promise<StaffMemberDto> {
    return StaffMemberDto.from(await this.staff.update(id, dto));
  }
}

function parseStaffFilter(role?: string, active?: string): { role?: StaffRole; active?: boolean } {
  const filter: { role?: StaffRole; active?: boolean } = {};
  const problems: { field: string; messages: string[] }[] = [];
  if (role !== undefined) {
    if (Object.values(StaffRole).includes(role as StaffRole)) filter.role = role as StaffRole;
    else
      problems.push({
        field: 'role',
        messages: [`role must be one of ${Object.values(StaffRole).join(', ')}`],
      });
  }
  if (active !== undefined) {
    if (active === 'true' || active === 'false') filter.active = active === 'true';
    else problems.push({ field: 'active', messages: ['active must be true or false'] });
  }
  if (problems.length) {
    throw new ValidationException(
      `The request is invalid: ${problems.map((p) => p.field).join(', ')}`,
      problems,
    );
  }
  return filter;
}
