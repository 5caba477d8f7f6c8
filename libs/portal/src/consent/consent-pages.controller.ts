import { Controller, Logger, Param, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@touchbase/config';
import { Locale } from '@touchbase/core';
import { BrandingService, clientPageFrame } from '@touchbase/templates';
import {
  browserLocale,
  ClientPageFrame,
  pageLocale,
  renderClientError,
  renderClientMessage,
  guardedClientPage,
} from '../pages/client-page';
import { ClientPageGet, ClientPagePost } from '../pages/client-page.decorators';
import { CONSENT_TEXTS } from './consent-texts';
import { DoubleOptInService } from './double-opt-in.service';

/**
 * The double opt-in confirmation link (`/consent/<token>`). GET only shows the question: mail scanners
 * prefetch links, and a consent they "confirmed" would prove nothing. The page's button posts back and
 * records the consent with the confirming browser's IP and user agent. An altered link answers 400, an
 * expired one 410, each with a page that says what to do.
 */
@ApiTags('consent')
@Controller('consent')
export class ConsentPagesController {
  private readonly logger = new Logger('DoubleOptIn');

  constructor(
    private readonly doubleOptIn: DoubleOptInService,
    private readonly branding: BrandingService,
    private readonly config: AppConfig,
  ) {}

  @ClientPageGet(':token', 'Double opt-in: the confirmation question (changes nothing); 400/410 pages')
  async page(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    return this.guarded(req, res, lang, async () => {
      const link = await this.doubleOptIn.resolve(token);
      if (!link.ok) return this.refused(req, res, lang, link.reason, link.locale);
      const frame = this.frame(token, pageLocale(lang, link.request.locale));
      const t = CONSENT_TEXTS[frame.locale].page;
      const channels = this.doubleOptIn.channelList(frame.locale, link.request.channels);
      if (link.request.confirmed_at) {
        return renderClientMessage(frame, {
          title: t.title,
          heading: t.alreadyHeading,
          paragraphs: [t.doneText(channels)],
        });
      }
      return renderClientMessage(frame, {
        title: t.title,
        heading: t.confirmHeading,
        paragraphs: [t.confirmText(channels)],
        form: { action: frame.path, button: t.button, fields: [{ name: 'confirm', value: 'yes' }] },
      });
    });
  }

  @ClientPagePost(':token', 'Double opt-in: confirm and record the consent (idempotent)')
  async confirm(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    return this.guarded(req, res, lang, async () => {
      const link = await this.doubleOptIn.resolve(token);
      if (!link.ok) return this.refused(req, res, lang, link.reason, link.locale);
      const { already } = await this.doubleOptIn.confirm(link.request, {
        ip: req.ip ?? null,
        userAgent: req.get('user-agent') ?? null,
      });
      const frame = this.frame(token, pageLocale(lang, link.request.locale));
      const t = CONSENT_TEXTS[frame.locale].page;
      const channels = this.doubleOptIn.channelList(frame.locale, link.request.channels);
      return renderClientMessage(frame, {
        title: t.title,
        heading: already ? t.alreadyHeading : t.doneHeading,
        paragraphs: [t.doneText(channels)],
      });
    });
  }

  private refused(
    req: Request,
    res: Response,
    lang: unknown,
    reason: 'invalid' | 'expired',
    locale: Locale | null,
  ): string {
    res.status(reason === 'expired' ? 410 : 400);
    const frame = clientPageFrame(
      this.branding,
      pageLocale(lang, locale ?? this.browserLocale(req)),
      req.path,
    );
    const t = CONSENT_TEXTS[frame.locale].page;
    return renderClientMessage(frame, {
      title: t.title,
      heading: reason === 'expired' ? t.expiredHeading : t.invalidHeading,
      paragraphs: [reason === 'expired' ? t.expiredText : t.invalidText],
    });
  }

  private frame(token: string, locale: Locale): ClientPageFrame {
    return clientPageFrame(this.branding, locale, `/consent/${encodeURIComponent(token)}`);
  }

  // The error filter would log the path, token included: failures are answered and logged here.
  private guarded(
    req: Request,
    res: Response,
    lang: unknown,
    render: () => Promise<string>,
  ): Promise<string> {
    return guardedClientPage(
      req,
      res,
      {
        logger: this.logger,
        what: 'Consent confirmation',
        errorPage: () =>
          renderClientError(
            clientPageFrame(this.branding, pageLocale(lang, this.browserLocale(req)), '/consent'),
          ),
      },
      render,
    );
  }

  private browserLocale(req: Request): Locale {
    return browserLocale(req, this.config.workspace.locale as Locale);
  }
}
