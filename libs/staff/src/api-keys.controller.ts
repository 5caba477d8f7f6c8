import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { ApiKeyService } from './api-key.service';
import { ApiKeyDto, ApiKeyListDto, CreateApiKeyDto, IssuedApiKeyDto } from './dto/api-key.dto';
import { StaffService } from './staff.service';

@ApiTags('staff')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403, 404)
@Roles(StaffRole.Admin)
@Controller('api/v1/staff/:staffId/api-keys')
export class ApiKeysController {
  constructor(
    private readonly staff: StaffService,
    private readonly keys: ApiKeyService,
  ) {}

  @Get()
  @ApiOperation({ summary: "List a staff member's API keys (never the keys themselves)" })
  async list(@Param('staffId', ParseUUIDPipe) staffId: string): Promise<ApiKeyListDto> {
    await this.staff.get(staffId);
    return { items: (await this.keys.listForStaff(staffId)).map(ApiKeyDto.from) };
  }

  @Post()
  @ApiOperation({ summary: 'Issue an API key; the key is in this response only' })
  async create(
    @Param('staffId', ParseUUIDPipe) staffId: string,
    @Body() dto: CreateApiKeyDto,
  ): Promise<IssuedApiKeyDto> {
    const member = await this.staff.get(staffId);
    const { apiKey, key } = await this.keys.issue(member.id, dto.name ?? 'API key');
    return { ...ApiKeyDto.from(apiKey), key };
  }

  @Delete(':keyId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key (at once; revoking twice is harmless)' })
  async revoke(
    @Param('staffId', ParseUUIDPipe) staffId: string,
    @Param('keyId', ParseUUIDPipe) keyId: string,
  ): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.keys.revoke(keyId, staffId));
  }
}
