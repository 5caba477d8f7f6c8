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
  Put,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AnyStaff, Roles, StaffRole, ValidationException } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CreateSignerDto, SignerDto, SignerListDto, UpdateSignerDto } from './dto/signer.dto';
import { MAX_SIGNATURE_BYTES, SignatureFileInterceptor, SignatureUploadInterceptor } from './signature-image';
import { SignersService } from './signers.service';

/** What multer's memory storage leaves on the request. */
interface UploadedImage {
  buffer: Buffer;
  size: number;
}

@ApiTags('signers')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/signers')
export class SignersController {
  constructor(private readonly signers: SignersService) {}

  @Get()
  @AnyStaff()
  @ApiOperation({ summary: 'Who signs letters and CEO mail' })
  @ApiOkResponse({ type: SignerListDto })
  async list(): Promise<SignerListDto> {
    return { items: (await this.signers.list()).map(SignerDto.from) };
  }

  @Post()
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: 'Add a signer (then upload the signature image)' })
  @ApiOkResponse({ type: SignerDto })
  async create(@Body() dto: CreateSignerDto): Promise<SignerDto> {
    return SignerDto.from(await this.signers.create(dto));
  }

  @Get(':id')
  @AnyStaff()
  @ApiErrors(404)
  @ApiOkResponse({ type: SignerDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<SignerDto> {
    return SignerDto.from(await this.signers.get(id));
  }

  @Patch(':id')
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: 'Change name, titles or email' })
  @ApiErrors(404)
  @ApiOkResponse({ type: SignerDto })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateSignerDto): Promise<SignerDto> {
    return SignerDto.from(await this.signers.update(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: 'Delete a signer no campaign uses' })
  @ApiErrors(404, 409)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.signers.remove(id);
  }

  @Put(':id/signature')
  @Roles(StaffRole.Marketer)
  @UseInterceptors(SignatureUploadInterceptor, SignatureFileInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: 'Upload the signature image (PNG or JPEG, up to 1 MB), replacing any earlier one',
    description:
      'The type is recognised from the file content, not its name or Content-Type. A transparent PNG ' +
      'of about 600×200 pixels prints best on letters.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    },
  })
  @ApiResponse({ status: 413, description: `Larger than ${MAX_SIGNATURE_BYTES} bytes` })
  @ApiResponse({ status: 415, description: 'Not a PNG or JPEG image' })
  @ApiOkResponse({ type: SignerDto })
  @ApiErrors(404)
  async upload(
    @Param('id', ParseUUIDPipe) id: string,
    @UploadedFile() file: UploadedImage | undefined,
  ): Promise<SignerDto> {
    if (!file) {
      throw new ValidationException('No image: send it as the multipart form field "file"', [
        { field: 'file', messages: ['file is required'] },
      ]);
    }
    return SignerDto.from(await this.signers.setSignature(id, file.buffer));
  }

  @Get(':id/signature')
  @AnyStaff()
  @ApiOperation({ summary: 'The signature image' })
  @ApiProduces('image/png', 'image/jpeg')
  @ApiResponse({ status: 200, description: 'The image', schema: { type: 'string', format: 'binary' } })
  @ApiErrors(404)
  async signature(@Param('id', ParseUUIDPipe) id: string): Promise<StreamableFile> {
    const { data, mime } = await this.signers.signature(id);
    return new StreamableFile(data, {
      type: mime,
      length: data.length,
      disposition: `inline; filename="signature.${mime === 'image/png' ? 'png' : 'jpg'}"`,
    });
  }

  @Delete(':id/signature')
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: 'Remove the signature image' })
  @ApiErrors(404)
  @ApiOkResponse({ type: SignerDto })
  async removeSignature(@Param('id', ParseUUIDPipe) id: string): Promise<SignerDto> {
    return SignerDto.from(await this.signers.removeSignature(id));
  }
}
