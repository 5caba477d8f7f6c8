import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { Roles, ValidationException } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import {
  CreateWebhookEndpointDto,
  ReplayWebhooksDto,
  UpdateWebhookEndpointDto,
  WebhookCountDto,
  WebhookDeliveryDto,
  WebhookEndpointDto,
  WebhookEndpointWithSecretDto,
} from './dto/webhook.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookDeliveryStatus } from './webhook.enums';

@ApiTags('webhooks')
@ApiBearerAuth('api-key')
@ApiErrors(401, 403)
@Controller('api/v1/webhooks/endpoints')
@Roles()
export class WebhooksController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Get()
  @ApiOperation({ summary: 'Webhook endpoints (admins only); secrets are never listed' })
  @ApiOkResponse({ type: [WebhookEndpointDto] })
  list(): Promise<WebhookEndpointDto[]> {
    return this.endpoints.list();
  }

  @Post()
  @ApiOperation({
    summary: 'Register an endpoint',
    description: 'The answer holds the signing secret (whsec_…), shown this once only.',
  })
  @ApiErrors(400)
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretDto })
  create(@Body() dto: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretDto> {
    return this.endpoints.create(dto);
  }

  @Get(':id')
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: WebhookEndpointDto })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookEndpointDto> {
    return this.endpoints.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, description or event types; enable or disable' })
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: WebhookEndpointDto })
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointDto> {
    return this.endpoints.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiErrors(400, 404)
  @ApiNoContentResponse()
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.endpoints.remove(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new signing secret (shown this once); the old one stops at once' })
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: WebhookEndpointWithSecretDto })
  rotate(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookEndpointWithSecretDto> {
    return this.endpoints.rotateSecret(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "The endpoint's delivery log, newest first (200)" })
  @ApiQuery({ name: 'status', enum: WebhookDeliveryStatus, required: false })
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: [WebhookDeliveryDto] })
  deliveries(
    @Param('id', ParseUUIDPipe) id: string,
    @Query('status') status?: string,
  ): Promise<WebhookDeliveryDto[]> {
    if (status !== undefined && !Object.values<string>(WebhookDeliveryStatus).includes(status)) {
      throw new ValidationException('Unknown status', [
        {
          field: 'status',
          messages: [`status must be of: ${Object.values(WebhookDeliveryStatus).join(', ')}`],
        },
      ]);
    }
    return this.endpoints.deliveries(id, status as WebhookDeliveryStatus | undefined);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send one event (eventId) or a time range (from, to) again, with the same webhook-ids',
  })
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: WebhookCountDto })
  replay(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ReplayWebhooksDto): Promise<WebhookCountDto> {
    return this.endpoints.replay(id, dto);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue a webhook.ping event for this endpoint' })
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: WebhookCountDto })
  ping(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookCountDto> {
    return this.endpoints.ping(id);
  }
}
