import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { buildDataSourceOptions } from './data-source-options';
import { runMigrationsLocked } from './migration-runner';

export interface DatabaseModuleOptions {
  /** The resolved connection URL: DATABASE_URL, or the embedded server the entry point started. */
  url: string;
  applicationName?: string;
}

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...buildDataSourceOptions({
              url: options.url,
              poolSize: config.database.poolSize,
              applicationName: options.applicationName,
            }),
            autoLoadEntities: true,
            retryAttempts: 3,
            retryDelay: 1000,
          }),
          dataSourceFactory: async (dataSourceOptions) => {
            const dataSource = await new DataSource(dataSourceOptions!).initialize();
            return dataSource;
          },
        }),
      ],
      providers: [
        {
          provide: 'TOUCHBASE_MIGRATIONS',
          inject: [DataSource, AppConfig],
          useFactory: async (dataSource: DataSource, config: AppConfig) => {
            if (!config.database.migrationsRun) return [];
            const applied = await runMigrationsLocked(dataSource, options.url);
            if (applied.length > 0) new Logger('Database').log(`Applied migrations: ${applied.join(', ')}`);
            return applied;
          },
        },
      ],
    };
  }
}
