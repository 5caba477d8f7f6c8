import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { runProcess } from '@touchbase/runtime';
import { WorkerModule } from './worker.module';

/** The worker: no HTTP; scheduled jobs, planner and dispatchers. Run as many as you like. */
void runProcess<INestApplicationContext>({
  name: 'touchbase-worker',
  create: async (env, database) => {
    const app = await NestFactory.createApplicationContext(
      WorkerModule.register({ env, databaseUrl: database.url }),
      { bufferLogs: true },
    );
    app.useLogger(app.get(Logger));
    return app;
  },
  start: async (app, database) => {
    await app.init();
    return [`Worker running; data: ${database.location}`];
  },
});
