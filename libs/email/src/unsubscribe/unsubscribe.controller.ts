import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Logger,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@touchbase/config';
import { Locale, Public } from '@touchbase/core';
import { ONE_CLICK_BODY } from '../email-message.builder';
import {
  confirmPage,
  donePage,
  errorPage,
  invalidPage,
  PageTopic,
  UNSUBSCRIBE_WORDING_VERSION,
} from './unsubscribe-page';
import { UnsubscribeService, UnsubscribeTarget } from './unsubscribe.service';

const LOCALES: readonly string[] = Object.values(Locale);

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
  ) {}

  @Get(':token')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('X-Robots-Tag', 'noindex')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Confirmation page (changes nothing); 400 page when the link is invalid' })
  async page(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    return this.guarded(req, res, lang, async () => {
      const target = await this.unsubscribes.resolve(token);
      if (!target) return this.invalid(req, res, lang);
      const locale = this.locale(lang, target.locale);
      return confirmPage({
        locale,
        topic: this.topicOf(target, locale),
        action: `/u/${encodeURIComponent(token)}?lang=${locale}`,
        portalUrl: this.unsubscribes.portalUrl(target, locale),
        already: await this.unsubscribes.isUnsubscribed(target),
      });
    });
  }

  @Post(':token')
  @Public()
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('X-Robots-Tag', 'noindex')
  @ApiProduces('text/html')
  @ApiOperation({
    summary: 'Unsubscribe (RFC 8058 one-click, or the page’s button): from the link’s topic, or everything',
    description: 'Idempotent. The body (`List-Unsubscribe=One-Click` from mail clients) is not required.',
  })
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
      const locale = this.locale(lang, target.locale);
      return donePage({
        locale,
        topic: this.topicOf(target, locale),
        portalUrl: this.unsubscribes.portalUrl(target, locale),
      });
    });
  }

  private invalid(req: Request, res: Response, lang: unknown): string {
    res.status(400);
    return invalidPage(this.locale(lang, this.browserLocale(req)));
  }

  // The error filter would log the path, token included: failures are answered and logged here.
  private async guarded(
    req: Request,
    res: Response,
    lang: unknown,
    fn: () => Promise<string>,
  ): Promise<string> {
    try {
      return await fn();
    } catch (e) {
      this.logger.error(`Unsubscribe (${req.method}) failed: ${e instanceof Error ? e.message : String(e)}`);
      res.status(500);
      return errorPage(this.locale(lang, this.browserLocale(req)));
    }
  }

  private locale(lang: unknown, fallback: Locale): Locale {
    return typeof lang === 'string' && LOCALES.includes(lang) ? (lang as Locale) : fallback;
  }

  private browserLocale(req: Request): Locale {
    const accepted = req.acceptsLanguages(...LOCALES);
    return typeof accepted === 'string' ? (accepted as Locale) : (this.config.workspace.locale as Locale);
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
