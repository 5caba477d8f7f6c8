export * from './workspace-setting.entity';
export * from './settings.service';
export * from './settings.module';
