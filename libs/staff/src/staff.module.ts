import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyService } from './api-key.service';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { ApiKey } from './entities/api-key.entity';
import { StaffMember } from './entities/staff-member.entity';
import { StaffController } from './staff.controller';
import { StaffService } from './staff.service';

/** Staff members and their API keys: the data, without HTTP (the CLI uses this). */
@Module({
  imports: [TypeOrmModule.forFeature([StaffMember, ApiKey])],
  providers: [StaffService, ApiKeyService],
  exports: [StaffService, ApiKeyService, TypeOrmModule],
})
export class StaffModule {}

/** The admin API for staff and keys, the key guard for every route, and the first-start admin. */
@Module({
  imports: [StaffModule],
  controllers: [StaffController, ApiKeysController],
  providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }, BootstrapAdminService],
  exports: [StaffModule],
})
export class StaffApiModule {}
