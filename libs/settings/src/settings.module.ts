import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SettingsService } from './settings.service';
import { WorkspaceSetting } from './workspace-setting.entity';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([WorkspaceSetting])],
  providers: [SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
