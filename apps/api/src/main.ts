import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@touchbase/config';
import { configureHttpApp } from '@touchbase/http';
import { runProcess } from '@touchbase/runtime';
import { ApiModule } from './api.module';

// `--all-in-one` (what `npm start` runs) adds the worker's jobs to this process.
const withWorker = process.argv.includes('--all-in-one');

void runProcess<INestApplication>({
  name: 'touchbase',
  create: async (env, database) => {
    const app = await NestFactory.create(ApiModule.register({ env, databaseUrl: database.url, withWorker }), {
      bufferLogs: true,
    });
    configureHttpApp(app);
    return app;
  },
  start: async (app, database) => {
    const config = app.get(AppConfig);
    await app.listen(config.http.port, config.http.host);
    const base = config.http.publicUrl;
    return [
      `${withWorker ? 'API and worker' : 'API'} ready at ${base}`,
      ...(config.http.docsEnabled ? [`API docs at ${base}/docs (OpenAPI JSON at ${base}/docs-json)`] : []),
      `Data: ${database.location}; files in ${config.dataDir}`,
    ];
  },
});
