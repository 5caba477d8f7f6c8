import {
  Body,
  Controller,
  Delete,
  Get,
  Patch,
  Put,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AnyStaff, Roles, StaffRole, ValidationException } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import { SignatureFileInterceptor, SignatureUploadInterceptor } from '../signature-image';
import { BrandingDto, UpdateBrandingDto } from './branding.dto';
import { BrandingService, MAX_LOGO_BYTES } from './branding.service';

/** The company's branding as clients see it: name (Russian and English), colour, logo. Admins change it. */
@ApiTags('branding')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/branding')
export class BrandingController {
  constructor(private readonly branding: BrandingService) {}

  @Get()
  @AnyStaff()
  @ApiOperation({ summary: 'The company’s name, English name, colour and whether it has a logo' })
  @ApiOkResponse({ type: BrandingDto })
  get(): BrandingDto {
    return BrandingDto.from(this.branding.current);
  }

  @Patch()
  @Roles(StaffRole.Admin)
  @ApiOperation({
    summary: 'Change the name, the English name or the colour',
    description: 'Shown in the portal’s header, on unsubscribe pages and in every message (company.name).',
  })
  @ApiOkResponse({ type: BrandingDto })
  async update(@Body() dto: UpdateBrandingDto, @CurrentStaff() staff: StaffMember): Promise<BrandingDto> {
    return BrandingDto.from(await this.branding.update(dto, staff.id));
  }

  @Put('logo')
  @Roles(StaffRole.Admin)
  @UseInterceptors(SignatureUploadInterceptor, SignatureFileInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: `Upload the logo (PNG or JPEG, up to ${MAX_LOGO_BYTES / 1024} KB), shown 40 pixels high`,
    description: 'The type is recognised from the file content, not its name or Content-Type.',
  })
  @ApiBody({
    schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 415, description: 'Not a PNG or JPEG image' })
  @ApiOkResponse({ type: BrandingDto })
  async uploadLogo(
    @UploadedFile() file: { buffer: Buffer } | undefined,
    @CurrentStaff() staff: StaffMember,
  ): Promise<BrandingDto> {
    if (!file) {
      throw new ValidationException('No image: send it as the multipart form field "file"', [
        { field: 'file', messages: ['file is required'] },
      ]);
    }
    return BrandingDto.from(await this.branding.setLogo(file.buffer, staff.id));
  }

  @Delete('logo')
  @Roles(StaffRole.Admin)
  @ApiOperation({ summary: 'Remove the logo' })
  @ApiOkResponse({ type: BrandingDto })
  async removeLogo(@CurrentStaff() staff: StaffMember): Promise<BrandingDto> {
    return BrandingDto.from(await this.branding.removeLogo(staff.id));
  }
}
