import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { AppConfig, ENVIRONMENT } from './app-config';
import { Environment, validateEnvironment } from './environment';

/**
 * The validated environment, through `@nestjs/config` with `validate`. Entry points validate once
 * before Nest starts (so a bad value exits 1 with a clear message, not a stack trace) and pass the
 * result in; everything else injects `AppConfig`.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(env?: Environment): DynamicModule {
    return {
      module: ConfigModule,
      imports: [
        NestConfigModule.forRoot({
          ignoreEnvFile: true, // entry points load .env themselves, before validation
          cache: true,
          validate: (raw) => env ?? validateEnvironment(raw),
        }),
      ],
      providers: [
        {
          provide: ENVIRONMENT,
          useFactory: (): Environment => env ?? validateEnvironment(process.env),
        },
        AppConfig,
      ],
      exports: [AppConfig],
    };
  }
}
