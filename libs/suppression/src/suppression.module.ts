import { Module } from '@nestjs/common';
import { ClientHooksModule } from '@touchbase/clients';
import { SuppressionController } from './suppression.controller';
import { SuppressionDataExportHook } from './suppression-data-export.hook';
import { SuppressionService } from './suppression.service';

/** The suppression list's writes, for the libs that feed it (bounces, complaints, SMS STOP). */
@Module({ providers: [SuppressionService], exports: [SuppressionService] })
export class SuppressionModule {}

/** The API: list, export, import, add and remove. */
@Module({
  imports: [SuppressionModule, ClientHooksModule],
  controllers: [SuppressionController],
  providers: [SuppressionDataExportHook],
})
export class SuppressionApiModule {}
