import { Global, Module } from '@nestjs/common';
import { ClientHooksModule } from '@touchbase/clients';
import { EngagementDataExportHook } from './engagement-data-export.hook';
import { EngagementErasureHook } from './engagement-erasure.hook';
import { EngagementSettingsController } from './engagement-settings.controller';
import { EngagementSettingsService } from './engagement-settings.service';
import { LinksService } from './links.service';
import { OpenPixelController, ShortLinksController } from './short-links.controller';
import { ShortLinksService } from './short-links.service';

@Global()
@Module({
  imports: [ClientHooksModule],
  providers: [
    LinksService,
    ShortLinksService,
    EngagementErasureHook,
    EngagementDataExportHook,
    EngagementSettingsService,
  ],
  exports: [LinksService, ShortLinksService, EngagementSettingsService],
})
export class LinksModule {}

/** The API side: the short links' redirect, /r/<code>, the open pixel, and the engagement settings. */
@Module({ controllers: [ShortLinksController, OpenPixelController, EngagementSettingsController] })
export class ShortLinksApiModule {}
