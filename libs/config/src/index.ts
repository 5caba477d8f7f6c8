export * from './environment';
export * from './app-config';
export * from './config.module';
