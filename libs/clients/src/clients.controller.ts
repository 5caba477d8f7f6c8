import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyStaff, DomainException, ErrorCode, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors, PageQueryDto, validateBodyShallow } from '@touchbase/http';
import { Idempotent } from '@touchbase/idempotency';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import type { Response } from 'express';
import { ClientSyncService } from './client-sync.service';
import { ClientsService, PersonalDataExport } from './clients.service';
import {
  ClientRemovalMode,
  MAX_SYNC_RECORDS,
  RemoveClientsDto,
  RemoveClientsResultDto,
  SyncClientsDto,
  SyncClientsResultDto,
} from './dto/client-sync.dto';
import {
  ClientHistoryEntryDto,
  ClientListDto,
  ClientResponseDto,
  CreateClientDto,
  ListClientsQueryDto,
  ReassignOwnerDto,
  ReassignOwnerResultDto,
  UpdateClientDto,
} from './dto/client.dto';
import { TimelineDto } from './dto/timeline.dto';
import { TimelineService } from './timeline.service';

@ApiTags('clients')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/clients')
export class ClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly timeline: TimelineService,
    private readonly sync: ClientSyncService,
  ) {}

  @Get()
  @AnyStaff()
  @ApiOperation({ summary: 'List clients: filters, free text, sorting, cursor pagination' })
  @ApiOkResponse({ type: ClientListDto })
  async list(@Query() query: ListClientsQueryDto): Promise<ClientListDto> {
    const page = await this.clients.list(query);
    return { items: page.items.map(ClientResponseDto.from), nextCursor: page.nextCursor };
  }

  @Post()
  @Roles(StaffRole.SalesOps)
  @ApiOperation({ summary: 'Create a client' })
  @ApiErrors(409)
  async create(@Body() dto: CreateClientDto, @CurrentStaff() staff: StaffMember): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clients.create(dto, staff.id));
  }

  @Post('bulk')
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @Idempotent()
  @ApiOperation({
    summary: 'Upsert clients in bulk by external reference (CRM sync); bad records reported, good ones kept',
    description:
      `Up to ${MAX_SYNC_RECORDS} records, each keyed by \`externalRef\`: a new reference creates a client ` +
      '(name required), a known one updates it. A field left out keeps what is stored; null clears it. ' +
      'Each record is validated on its own: the answer counts created, updated, unchanged and failed records, ' +
      'with one error per bad field and record index. client.created / client.updated webhooks are emitted ' +
      'in the same transaction. Send `Idempotency-Key` to make retries safe.',
  })
  @ApiErrors(409, 413)
  @ApiOkResponse({ type: SyncClientsResultDto })
  @ApiBody({ type: SyncClientsDto })
  upsertMany(@Body() body: unknown, @CurrentStaff() staff: StaffMember): Promise<SyncClientsResultDto> {
    // Checked here, not by the global pipe: its transform of 10,000 records alone would take seconds.
    return this.sync.upsert(validateBodyShallow(SyncClientsDto, body).items, staff.id);
  }

  @Post('bulk-delete')
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @Idempotent()
  @ApiOperation({
    summary: 'Remove clients by external reference: archive (default) or erase',
    description:
      '`archive` keeps the client for history and reports but never contacts it again (client.updated, ' +
      '`changed: ["archivedAt"]`); `erase` wipes personal data for the right to erasure (admins only, ' +
      'irreversible; client.erased). Unknown references are reported by index.',
  })
  @ApiErrors(409)
  @ApiOkResponse({ type: RemoveClientsResultDto })
  removeMany(
    @Body() dto: RemoveClientsDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<RemoveClientsResultDto> {
    const mode = dto.mode ?? ClientRemovalMode.Archive;
    if (mode === ClientRemovalMode.Erase && staff.role !== StaffRole.Admin) {
      throw new DomainException(ErrorCode.Forbidden, 'Erasing clients needs the admin role', {
        required: [StaffRole.Admin],
        actual: staff.role,
      });
    }
    return this.sync.remove(dto.externalRefs, mode);
  }

  @Post('reassign-owner')
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @ApiOperation({
    summary: 'Move clients to another owner: a selection, or everything one owner has',
    description:
      'By `clientIds` (up to 10,000) or `fromOwnerId` (every client of that owner, archived ones too: ' +
      'when an account manager leaves, their clients stay the company’s). Their open call tasks move ' +
      'with them, in the same transaction. `toOwnerId: null` leaves them without an owner.',
  })
  @ApiOkResponse({ type: ReassignOwnerResultDto })
  async reassignOwner(@Body() dto: ReassignOwnerDto): Promise<ReassignOwnerResultDto> {
    return this.clients.reassignOwner(
      { clientIds: dto.clientIds, fromOwnerId: dto.fromOwnerId },
      dto.toOwnerId,
    );
  }

  @Get(':id')
  @AnyStaff()
  @ApiOperation({ summary: 'Get a client' })
  @ApiOkResponse({ type: ClientResponseDto })
  @ApiErrors(404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clients.get(id));
  }

  @Patch(':id')
  @Roles(StaffRole.SalesOps)
  @ApiOperation({ summary: 'Change a client (null clears a field)' })
  @ApiErrors(404, 409)
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateClientDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clients.update(id, dto, staff.id));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @ApiOperation({ summary: 'Archive a client (never deleted; archived clients get nothing)' })
  @ApiErrors(404)
  async archive(@Param('id', ParseUUIDPipe) id: string): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clients.setArchived(id, true));
  }

  @Post(':id/unarchive')
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @ApiOperation({ summary: 'Bring an archived client back' })
  @ApiErrors(404)
  async unarchive(@Param('id', ParseUUIDPipe) id: string): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clients.setArchived(id, false));
  }

  @Post(':id/erase')
  @HttpCode(200)
  @Roles(StaffRole.Admin)
  @ApiOperation({
    summary: 'Erase personal data (right to erasure); aggregates stay for reports. Irreversible.',
  })
  @ApiErrors(404)
  async erase(@Param('id', ParseUUIDPipe) id: string): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clients.erase(id));
  }

  @Get(':id/personal-data')
  @Roles(StaffRole.Admin)
  @ApiOperation({
    summary: 'Everything touchbase holds on the client, as one JSON document (right of access)',
    description:
      'The client record and history, and one part per library: preferences, topic subscriptions and ' +
      'consent log, deliveries, clicks and engagement, purchases, calls, letters, survey answers, ' +
      'suppression entries for its addresses, consent requests. Nothing of any other client.',
  })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  @ApiErrors(404)
  async personalData(
    @Param('id', ParseUUIDPipe) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PersonalDataExport> {
    const data = await this.clients.personalData(id);
    res.setHeader('Content-Disposition', `attachment; filename="personal-data-${id}.json"`);
    return data;
  }

  @Get(':id/history')
  @AnyStaff()
  @ApiOperation({ summary: "The client's category and stage changes, newest first" })
  @ApiOkResponse({ type: [ClientHistoryEntryDto] })
  @ApiErrors(404)
  async history(@Param('id', ParseUUIDPipe) id: string): Promise<ClientHistoryEntryDto[]> {
    return (await this.clients.history(id)).map((r) => ({
      at: new Date(r.at).toISOString(),
      field: r.field,
      from: r.from,
      to: r.to,
      source: r.source,
      ...(r.staff_name && { staffName: r.staff_name }),
    }));
  }

  @Get(':id/timeline')
  @AnyStaff()
  @ApiOperation({ summary: 'Stage changes, preference changes and purchases, newest first' })
  @ApiOkResponse({ type: TimelineDto })
  @ApiErrors(404)
  async timelineOf(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<TimelineDto> {
    await this.clients.get(id);
    return this.timeline.forClient(id, page.limit, page.cursor);
  }
}
