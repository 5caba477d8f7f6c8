import { Module } from '@nestjs/common';
import { SuppressionController } from './suppression.controller';
import { SuppressionService } from './suppression.service';

/** The suppression list's writes, for the libs that feed it (bounces, complaints, SMS STOP). */
@Module({ providers: [SuppressionService], exports: [SuppressionService] })
export class SuppressionModule {}

/** The API: list, export, import, add and remove. */
@Module({ imports: [SuppressionModule], controllers: [SuppressionController] })
export class SuppressionApiModule {}
