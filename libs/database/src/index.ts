export * from './data-source-options';
export * from './database.module';
export * from './embedded-database';
export * from './migration-runner';
export * from './table-statistics';
export * from './find-by-id';
export * from './query-result';
export * from './transaction-hooks';
