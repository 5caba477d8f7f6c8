import { DynamicModule, Module } from '@nestjs/common';
import { CLIENT_COMMANDS } from '@touchbase/clients';
import { DKIM_COMMANDS } from '@touchbase/email';
import { IMPORT_COMMANDS, ImportsModule } from '@touchbase/imports';
import { RuntimeModule, RuntimeOptions } from '@touchbase/runtime';
import { STAFF_COMMANDS, StaffModule } from '@touchbase/staff';

@Module({})
export class CliModule {
  static register(options: Omit<RuntimeOptions, 'applicationName'>): DynamicModule {
    return {
      module: CliModule,
      imports: [
        RuntimeModule.forRoot({ ...options, applicationName: 'touchbase-cli' }),
        StaffModule,
        ImportsModule,
      ],
      providers: [...STAFF_COMMANDS, ...IMPORT_COMMANDS, ...CLIENT_COMMANDS, ...DKIM_COMMANDS],
    };
  }
}
