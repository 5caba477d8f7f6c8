import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientHooksModule } from '@touchbase/clients';
import { RunsModule } from '@touchbase/runs';
import { TemplatesModule } from '@touchbase/templates';
import { LetterBatch } from './entities/letter-batch.entity';
import { LetterBatchBuilderService } from './letter-batch-builder.service';
import { LetterBatchJob } from './letter-batch.job';
import { DeliveryReturnsController, LetterBatchesController } from './letter-batches.controller';
import { LettersDataExportHook } from './letters-data-export.hook';
import { LetterBatchesRunCancelHook } from './letter-batches-run-cancel.hook';
import { LetterBatchesService } from './letter-batches.service';
import { LetterHandler } from './letter.handler';
import { TemplateLetterPreviewController } from './preview/template-letter-preview.controller';
import { TemplateLetterPreviewService } from './preview/template-letter-preview.service';

/** Letter batches as people handle them (mailed, returned), without HTTP. */
@Module({
  imports: [TypeOrmModule.forFeature([LetterBatch]), RunsModule, ClientHooksModule],
  providers: [LetterBatchesService, LetterBatchesRunCancelHook, LettersDataExportHook],
  exports: [LetterBatchesService, TypeOrmModule],
})
export class LettersModule {}

/**
 * The worker side: the letter channel's handler (found by the dispatcher through @HandlesChannel),
 * the PDF builder and its sweep (needs ScheduleModule.forRoot() in the app).
 */
@Module({
  imports: [LettersModule, TemplatesModule],
  providers: [LetterHandler, LetterBatchBuilderService, LetterBatchJob],
  exports: [LetterHandler, LetterBatchBuilderService],
})
export class LettersWorkerModule {}

/** The API side: /api/v1/letter-batches, returned mail, and a letter template's page as a PDF. */
@Module({
  imports: [LettersModule, TemplatesModule],
  providers: [TemplateLetterPreviewService],
  controllers: [LetterBatchesController, DeliveryReturnsController, TemplateLetterPreviewController],
})
export class LettersApiModule {}
