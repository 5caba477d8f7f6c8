import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { AppConfig, LogFormat } from '@touchbase/config';

/**
 * The process's structured logs (pino, through nestjs-pino): level and format from the environment.
 * An HTTP app adds how it logs requests (`REQUEST_LOGGING` of libs/http); the worker has none.
 */
@Module({})
export class LoggingModule {
  static forRoot(requestLogging: Options = {}): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            pinoHttp: {
              ...requestLogging,
              level: config.logging.level,
              transport:
                config.logging.format === LogFormat.Pretty
                  ? {
                      target: 'pino-pretty',
                      options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
                    }
                  : undefined,
            },
          }),
        }),
      ],
    };
  }
}
