export * from './entities/call-task.entity';
export * from './call-tasks.sql';
export * from './call-tasks.service';
export * from './call.handler';
export * from './calls.module';
export * from './dto/call-task.dto';
