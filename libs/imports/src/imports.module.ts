import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClassificationCoreModule } from '@touchbase/classification';
import { PreferencesModule } from '@touchbase/preferences';
import { StaffModule } from '@touchbase/staff';
import { ImportCommand } from './commands/import.command';
import { ImportError } from './entities/import-error.entity';
import { Import } from './entities/import.entity';
import { ClientImportHandler } from './handlers/client-import.handler';
import { PreferenceImportHandler } from './handlers/preference-import.handler';
import { PurchaseImportHandler } from './handlers/purchase-import.handler';
import { ImportErrorsExport } from './import-errors-export';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

/**
 * CSV and XLSX imports of clients, purchases and preferences: the service (used by the API, the CLI
 * and the benchmark), one handler per kind, and the admin API.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Import, ImportError]),
    StaffModule,
    PreferencesModule,
    ClassificationCoreModule,
  ],
  controllers: [ImportsController],
  providers: [
    ImportsService,
    ImportErrorsExport,
    ClientImportHandler,
    PreferenceImportHandler,
    PurchaseImportHandler,
  ],
  exports: [ImportsService, ImportErrorsExport],
})
export class ImportsModule {}

export const IMPORT_COMMANDS = [ImportCommand];
