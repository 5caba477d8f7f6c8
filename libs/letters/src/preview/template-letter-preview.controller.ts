import { Controller, Get, Param, ParseUUIDPipe, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AnyStaff } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { PreviewTemplateDto } from '@touchbase/templates';
import { TemplateLetterPreviewService } from './template-letter-preview.service';

@ApiTags('templates')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403, 404)
@Controller('api/v1/templates')
export class TemplateLetterPreviewController {
  constructor(private readonly previews: TemplateLetterPreviewService) {}

  @Get(':id/preview/letter.pdf')
  @AnyStaff()
  @ApiOperation({
    summary: 'A letter template as its printed page for a real client: a one-letter PDF',
    description:
      'Laid out as a letter batch prints it (A4, DIN 5008 form B, the address in the window), with the ' +
      'client’s data, its owner, and the campaign’s signer and latest edition when a campaign is given. ' +
      '400 for a template of another channel.',
  })
  @ApiProduces('application/pdf')
  @ApiResponse({ status: 200, description: 'The PDF', schema: { type: 'string', format: 'binary' } })
  async letter(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PreviewTemplateDto,
  ): Promise<StreamableFile> {
    const { pdf, fileName } = await this.previews.pdf(id, query);
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      length: pdf.length,
      disposition: `inline; filename="${fileName}"`,
    });
  }
}
