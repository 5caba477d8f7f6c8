export * from './entities/import.entity';
export * from './entities/import-error.entity';
export * from './import.types';
export * from './imports.service';
export * from './import-errors-export';
export * from './dto/import.dto';
export * from './commands/import.command';
export * from './imports.module';
