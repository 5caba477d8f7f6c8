export * from './channel-handler';
export * from './backoff';
export * from './dispatch.sql';
export * from './dispatch-metrics';
export * from './message-preparer.service';
export * from './dispatcher.service';
export * from './dispatch.module';
