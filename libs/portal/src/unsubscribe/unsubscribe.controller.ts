import { Body, Controller, Logger, Param, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@touchbase/config';
import { Locale } from '@touchbase/core';
import { ONE_CLICK_BODY } from '@touchbase/email';
import { BrandingService, clientPageFrame } from '@touchbase/templates';
import {
  browserLocale,
  ClientPageFrame,
  pageLocale,
  renderClientError,
  guardedClientPage,
} from '../pages/client-page';
import { ClientPageGet, ClientPagePost } from '../pages/client-page.decorators';
import {
  confirmPage,
  donePage,
  invalidPage,
  PageTopic,
  UNSUBSCRIBE_WORDING_VERSION,
  UnsubscribePageFrame,
} from './unsubscribe-page';
import { UnsubscribeService, UnsubscribeTarget } from './unsubscribe.service';

/**
 * The unsubscribe link of every message (and its List-Unsubscribe header). GET only shows a page:
 * mail scanners prefetch links, so only a POST unsubscribes — the page's button, or a mail client's
 * RFC 8058 one-click POST (`List-Unsubscribe=One-Click`, no cookies, no CSRF token: the signed token
 * is the authority). Pages are HTML in the client's language; tokens are never logged (the request
 * logger redacts `/u/<token>`, and errors here are logged without the path).
 */
@ApiTags('unsubscribe')
@Controller('u')
export class UnsubscribeController {
  private readonly logger = new Logger('Unsubscribe');

  constructor(
    private readonly unsubscribes: UnsubscribeService,
    private readonly config: AppConfig,
    private readonly branding: BrandingService,
  ) {}

  @ClientPageGet(':token', 'Confirmation page (changes nothing); 400 page when the link is invalid')
  async page(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    return this.guarded(req, res, lang, async () => {
      const target = await this.unsubscribes.resolve(token);
      if (!target) return this.invalid(req, res, lang);
      const frame = this.frame(token, pageLocale(lang, target.locale), target);
      return confirmPage(frame, {
        topic: this.topicOf(target, frame.locale),
        action: frame.path,
        already: await this.unsubscribes.isUnsubscribed(target),
      });
    });
  }

  @ClientPagePost(
    ':token',
    'Unsubscribe (RFC 8058 one-click, or the page’s button): from the link’s topic, or everything',
    'Idempotent. The body (`List-Unsubscribe=One-Click` from mail clients) is not required.',
  )
  async unsubscribe(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    return this.guarded(req, res, lang, async () => {
      const target = await this.unsubscribes.resolve(token);
      if (!target) return this.invalid(req, res, lang);
      const oneClick = isOneClick(body);
      await this.unsubscribes.unsubscribe(target, {
        ip: req.ip ?? null,
        userAgent: req.get('user-agent') ?? null,
        // A mail client's one-click POST showed the person no page of ours.
        wordingVersion: oneClick ? null : UNSUBSCRIBE_WORDING_VERSION,
      });
      const frame = this.frame(token, pageLocale(lang, target.locale), target);
      return donePage(frame, { topic: this.topicOf(target, frame.locale) });
    });
  }

  private invalid(req: Request, res: Response, lang: unknown): string {
    res.status(400);
    return invalidPage(this.chrome(req, pageLocale(lang, this.browserLocale(req))));
  }

  /** The chrome of a page without a valid target; its language links lead back to the same page. */
  private chrome(req: Request, locale: Locale): ClientPageFrame {
    return clientPageFrame(this.branding, locale, req.path);
  }

  private frame(token: string, locale: Locale, target: UnsubscribeTarget): UnsubscribePageFrame {
    const portal = new URL(this.unsubscribes.portalUrl(target, locale));
    return {
      ...clientPageFrame(this.branding, locale, `/u/${encodeURIComponent(token)}`),
      portalPath: `${portal.origin}${portal.pathname}`,
    };
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
        what: 'Unsubscribe',
        errorPage: () => renderClientError(this.chrome(req, pageLocale(lang, this.browserLocale(req)))),
      },
      render,
    );
  }

  private browserLocale(req: Request): Locale {
    return browserLocale(req, this.config.workspace.locale as Locale);
  }

  private topicOf(target: UnsubscribeTarget, locale: Locale): PageTopic | null {
    if (!target.topic) return null;
    return { name: locale === Locale.Ru ? target.topic.nameRu : target.topic.nameEn };
  }
}

function isOneClick(body: unknown): boolean {
  const [key, value] = ONE_CLICK_BODY.split('=');
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>)[key] === value;
}
