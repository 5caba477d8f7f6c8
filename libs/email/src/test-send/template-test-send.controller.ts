import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles, StaffRole } from '@touchbase/core';
import { ApiErrors, API_KEY_SCHEME, ErrorResponseDto } from '@touchbase/http';
import { TestSendResultDto, TestSendTemplateDto } from './dto/test-send.dto';
import { TemplateTestSendService } from './template-test-send.service';

@ApiTags('templates')
@ApiBearerAuth(API_KEY_SCHEME)
@ApiErrors(400, 401, 403)
@Controller('api/v1/templates')
export class TemplateTestSendController {
  constructor(private readonly testSends: TemplateTestSendService) {}

  @Post(':id/test-send')
  @HttpCode(200)
  @Roles(StaffRole.Marketer)
  @ApiOperation({
    summary: 'Send an email template, rendered for a client, to a test address ("[TEST]" subject)',
    description:
      'Renders as the preview does (the client, its owner; optionally a campaign’s signer and edition) and ' +
      'sends through the configured email driver. The client’s portal and unsubscribe links in the message ' +
      'are disarmed. 400 for a template of another channel, or an address the mail server refuses.',
  })
  @ApiErrors(404)
  @ApiOkResponse({ type: TestSendResultDto })
  @ApiResponse({
    status: 502,
    description: 'The mail server did not take the message',
    type: ErrorResponseDto,
  })
  testSend(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: TestSendTemplateDto,
  ): Promise<TestSendResultDto> {
    return this.testSends.send(id, dto);
  }
}
