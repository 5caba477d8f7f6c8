export * from './scheduler.service';
export * from './scheduler.job';
export * from './run-now.service';
export * from './dto/run-now.dto';
export * from './scheduler.module';
