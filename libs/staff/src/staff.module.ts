import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyService } from './api-key.service';
import { ApiKeysController } from './api-keys.controller';
import { AuthController } from './auth.controller';
import { PasswordTokensService } from './auth/password-tokens.service';
import { StaffAuthGuard } from './auth/staff-auth.guard';
import { StaffAuthService } from './auth/staff-auth.service';
import { StaffMailer } from './auth/staff-mail';
import { StaffSessionsService } from './auth/staff-sessions.service';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { ApiKey } from './entities/api-key.entity';
import { StaffMember } from './entities/staff-member.entity';
import { StaffPasswordToken } from './entities/staff-password-token.entity';
import { StaffSession } from './entities/staff-session.entity';
import { StaffController } from './staff.controller';
import { StaffService } from './staff.service';

/** Staff members, their API keys, sessions and password links: the data, without HTTP (the CLI uses this). */
@Module({
  imports: [TypeOrmModule.forFeature([StaffMember, ApiKey, StaffSession, StaffPasswordToken])],
  providers: [
    StaffService,
    ApiKeyService,
    StaffSessionsService,
    PasswordTokensService,
    StaffAuthService,
    StaffMailer,
  ],
  exports: [
    StaffService,
    ApiKeyService,
    StaffSessionsService,
    PasswordTokensService,
    StaffAuthService,
    StaffMailer,
    TypeOrmModule,
  ],
})
export class StaffModule {}

/** The admin API for staff, keys and sign-in, the one guard of every route, and the first-start admin. */
@Module({
  imports: [StaffModule],
  controllers: [AuthController, StaffController, ApiKeysController],
  providers: [{ provide: APP_GUARD, useClass: StaffAuthGuard }, BootstrapAdminService],
  exports: [StaffModule],
})
export class StaffApiModule {}
