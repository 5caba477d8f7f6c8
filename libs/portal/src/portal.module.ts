import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import { ClientHooksModule, ClientsModule } from '@touchbase/clients';
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
import { PortalDataHooks } from './portal-data-export.hook';
import { ConsentEvidenceService } from './consent/consent-evidence.service';
import { ConsentController, ConsentRequestsController } from './consent/consent.controller';
import { ConsentPagesController } from './consent/consent-pages.controller';
import { DoubleOptInService } from './consent/double-opt-in.service';
import { UnsubscribeController } from './unsubscribe/unsubscribe.controller';
import { UnsubscribeService } from './unsubscribe/unsubscribe.service';
import { PortalRenderer } from './views/portal-renderer';

/**
 * Everything a client sees, public behind signed links: the portal (pages and JSON API), the
 * one-click unsubscribe pages (`/u/<token>`) and double opt-in (the forms' endpoint and `/consent/<token>`);
 * and for staff the survey report and the consent evidence.
 */
@Module({
  imports: [EmailDriverModule, PreferencesModule, TemplatesModule, ClientHooksModule, ClientsModule],
  controllers: [
    PortalPagesController,
    PortalApiController,
    UnsubscribeController,
    SurveyReportController,
    ConsentController,
    ConsentRequestsController,
    ConsentPagesController,
  ],
  providers: [
    PortalAccessService,
    PortalService,
    PortalLinkRequestService,
    PortalRenderer,
    PortalTokenGuard,
    SurveyReportService,
    PortalDataHooks,
    ConsentEvidenceService,
    DoubleOptInService,
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
