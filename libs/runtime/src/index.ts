export * from './environment-loader';
export * from './database-bootstrap';
export * from './shutdown';
export * from './logging.module';
export * from './runtime.module';
export * from './run-process';
