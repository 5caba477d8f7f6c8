import { Body, Controller, Get, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyStaff, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import { ControlGroupDto, ControlGroupMembershipDto, UpdateControlGroupDto } from './control-group.dto';
import { ControlGroupService } from './control-group.service';

@ApiTags('control group')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/control-group')
export class ControlGroupController {
  constructor(private readonly group: ControlGroupService) {}

  @Get()
  @AnyStaff()
  @ApiOperation({
    summary:
      'The global control group: its share, whether CEO letters skip it, and how many clients are in it',
    description:
      'Members get no promotional touches (broadcast and plan campaigns; CEO letters only when includeCeoLetters); ' +
      'service campaigns still reach them. Membership is a stable hash of the client and a salt generated once.',
  })
  @ApiOkResponse({ type: ControlGroupDto })
  async get(): Promise<ControlGroupDto> {
    return this.answer();
  }

  @Put()
  @Roles(StaffRole.Admin)
  @ApiOperation({ summary: 'Change the control group; it applies to runs planned from now on' })
  @ApiOkResponse({ type: ControlGroupDto })
  async set(
    @Body() dto: UpdateControlGroupDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<ControlGroupDto> {
    await this.group.set({ share: dto.share, includeCeoLetters: dto.includeCeoLetters }, staff.id);
    return this.answer();
  }

  @Get('members/:clientId')
  @AnyStaff()
  @ApiOperation({ summary: 'Whether a client is in the control group now' })
  @ApiOkResponse({ type: ControlGroupMembershipDto })
  async member(@Param('clientId', ParseUUIDPipe) clientId: string): Promise<ControlGroupMembershipDto> {
    return { clientId, member: await this.group.isMember(clientId) };
  }

  private async answer(): Promise<ControlGroupDto> {
    const group = await this.group.get();
    const counts = await this.group.members();
    return { share: group.share, includeCeoLetters: group.includeCeoLetters, ...counts };
  }
}
