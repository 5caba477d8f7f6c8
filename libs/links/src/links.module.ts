import { Global, Module } from '@nestjs/common';
import { ClientHooksModule } from '@touchbase/clients';
import { EngagementDataExportHook } from './engagement-data-export.hook';
import { EngagementErasureHook } from './engagement-erasure.hook';
import { LinksService } from './links.service';
import { OpenPixelController, ShortLinksController } from './short-links.controller';
import { ShortLinksService } from './short-links.service';

@Global()
@Module({
  imports: [ClientHooksModule],
  providers: [LinksService, ShortLinksService, EngagementErasureHook, EngagementDataExportHook],
  exports: [LinksService, ShortLinksService],
})
export class LinksModule {}

/** The API side: the short links' redirect, /r/<code>. */
@Module({ controllers: [ShortLinksController, OpenPixelController] })
export class ShortLinksApiModule {}
