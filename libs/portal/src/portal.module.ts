import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import { EmailDriverModule } from '@touchbase/email';
import { PreferencesModule } from '@touchbase/preferences';
import { TemplatesModule } from '@touchbase/templates';
import { PortalAccessService } from './portal-access.service';
import { PortalApiController } from './portal-api.controller';
import { PortalLinkRequestService } from './portal-link-request.service';
import { PortalPagesController } from './portal-pages.controller';
import { PortalTokenGuard } from './portal-token.guard';
import { PortalService } from './portal.service';
import { SurveyReportController } from './survey-report.controller';
import { SurveyReportService } from './survey-report.service';
import { UnsubscribeController } from './unsubscribe/unsubscribe.controller';
import { UnsubscribeService } from './unsubscribe/unsubscribe.service';
import { PortalRenderer } from './views/portal-renderer';

/**
 * Everything a client sees, public behind signed links: the portal (pages and JSON API) and the
 * one-click unsubscribe pages (`/u/<token>`); and the survey report (staff).
 */
@Module({
  imports: [EmailDriverModule, PreferencesModule, TemplatesModule],
  controllers: [PortalPagesController, PortalApiController, UnsubscribeController, SurveyReportController],
  providers: [
    PortalAccessService,
    PortalService,
    PortalLinkRequestService,
    PortalRenderer,
    PortalTokenGuard,
    SurveyReportService,
    UnsubscribeService,
  ],
  exports: [PortalService, PortalAccessService],
})
export class PortalModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Only the pages read cookies (the CSRF nonce); nothing else in the API does.
    consumer.apply(cookieParser()).forRoutes('portal', 'portal/*path');
  }
}
