import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';
import { PreviewTemplateDto } from '@touchbase/templates';

export class TestSendTemplateDto extends PreviewTemplateDto {
  @ApiProperty({ example: 'marketer@example.com', description: 'Where the test message goes' })
  @IsEmail({}, { message: 'to must be an email address' })
  @MaxLength(320)
  to!: string;
}

export class TestSendResultDto {
  @ApiProperty() to!: string;
  @ApiProperty({ example: '[TEST] Новости ноября' }) subject!: string;
  @ApiProperty({ example: '<test-6c1f…@touchbase.local>' }) messageId!: string;
}
