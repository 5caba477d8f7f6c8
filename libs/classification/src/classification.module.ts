import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientHooksModule } from '@touchbase/clients';
import { IdempotencyModule } from '@touchbase/idempotency';
import { SettingsModule } from '@touchbase/settings';
import { ClassificationNightlyJob } from './classification-nightly.job';
import { ClassificationController } from './classification.controller';
import { ClassificationService } from './classification.service';
import { Purchase } from './entities/purchase.entity';
import { PurchasesController } from './purchases.controller';
import { PurchasesDataExportHook } from './purchases-data-export.hook';
import { PurchasesErasureHook } from './purchases-erasure.hook';
import { PurchasesService } from './purchases.service';

/** Purchases and classification services, without HTTP: for the worker and other libraries (imports). */
@Module({
  imports: [TypeOrmModule.forFeature([Purchase]), SettingsModule, ClientHooksModule],
  providers: [ClassificationService, PurchasesService, PurchasesErasureHook, PurchasesDataExportHook],
  exports: [ClassificationService, PurchasesService],
})
export class ClassificationCoreModule {}

/** Purchases, A/B/C/VIP classification and stages: the services and the admin API. */
@Module({
  imports: [ClassificationCoreModule, IdempotencyModule],
  controllers: [PurchasesController, ClassificationController],
  exports: [ClassificationCoreModule],
})
export class ClassificationModule {}

/** The worker side: the nightly recompute. Needs ScheduleModule.forRoot() in the app. */
@Module({
  imports: [ClassificationCoreModule],
  providers: [ClassificationNightlyJob],
})
export class ClassificationJobsModule {}
