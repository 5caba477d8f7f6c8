export * from './idempotency.service';
export * from './idempotency.interceptor';
export * from './idempotency.module';
