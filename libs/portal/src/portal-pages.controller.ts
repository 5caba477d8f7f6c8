import { Controller, Get, Header, Logger, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { AppConfig } from '@touchbase/config';
import {
  Channel,
  CHANNELS,
  DomainException,
  ErrorCode,
  FieldError,
  Locale,
  NotFoundException,
  Public,
} from '@touchbase/core';
import { Frequency, PreferenceChanges, QUIET_HOURS_FORMAT } from '@touchbase/preferences';
import { BrandingService } from '@touchbase/templates';
import { browserLocale, pageLocale, setClientPageHeaders } from './pages/client-page';
import { CLIENT_PAGE_CSS, CLIENT_PAGE_JS } from './pages/client-page-assets';
import { ClientPageGet, ClientPagePost } from './pages/client-page.decorators';
import { requestContext } from './portal-api.controller';
import { PortalAccessService, PortalSession } from './portal-access.service';
import { csrfToken, csrfValid, ensureCsrfNonce } from './portal-csrf';
import { LINK_REQUESTS_PER_IP_PER_MINUTE, PortalLinkRequestService } from './portal-link-request.service';
import { PortalLinkRevokedException, PortalService, PortalView } from './portal.service';
import { HomeOptions, PortalRenderer, SavedSection } from './views/portal-renderer';
import { brandStylesheet } from './views/brand-stylesheet';
import { PORTAL_WORDING_VERSION } from './views/portal-texts';

const LOCALES: readonly string[] = Object.values(Locale);
const FREQUENCIES: readonly string[] = Object.values(Frequency);
const SAVED: readonly string[] = ['preferences', 'contact', 'survey', 'unsubscribed', 'resubscribed'];

// The link-request form has no link to bind its CSRF token to.
const NO_LINK = 'link-request';

type Rendered = { status: number; html: string } | { redirect: string };

/**
 * The portal's pages: server-rendered HTML that works without JavaScript (the script only adds
 * conveniences). Every POST checks the form's CSRF token; success redirects back (303) with a
 * message. The token is in the path: errors are answered and logged here without it, and the
 * request logger redacts `/portal/<token>`.
 */
@ApiTags('portal')
@Controller('portal')
export class PortalPagesController {
  private readonly logger = new Logger('Portal');

  constructor(
    private readonly access: PortalAccessService,
    private readonly portal: PortalService,
    private readonly linkRequests: PortalLinkRequestService,
    private readonly renderer: PortalRenderer,
    private readonly config: AppConfig,
    private readonly branding: BrandingService,
  ) {}

  @Get('assets/portal.css')
  @Public({ throttle: false })
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiExcludeEndpoint()
  css(): string {
    return CLIENT_PAGE_CSS;
  }

  @Get('assets/portal.js')
  @Public({ throttle: false })
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiExcludeEndpoint()
  js(): string {
    return CLIENT_PAGE_JS;
  }

  @Get('assets/brand.css')
  @Public({ throttle: false })
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiExcludeEndpoint()
  brandCss(): string {
    // The URL carries the branding's version: a change is a new URL, so a day of caching is safe.
    return brandStylesheet(this.branding.current);
  }

  @Get('assets/logo')
  @Public({ throttle: false })
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiExcludeEndpoint()
  logo(@Res({ passthrough: true }) res: Response): StreamableFile {
    const logo = this.branding.current.logo;
    if (!logo) throw new NotFoundException('Logo', 'logo');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(logo.data, { type: logo.mime, length: logo.data.length });
  }

  @ClientPageGet('link', 'Page: "send me a new link" (email or phone)')
  async linkForm(@Query('lang') lang: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.respond(req, res, async () => {
      const locale = pageLocale(lang, this.browserLocale(req));
      return {
        status: 200,
        html: this.renderer.linkRequest(this.frame(req, res, locale, '/portal/link', NO_LINK)),
      };
    });
  }

  @ClientPagePost('link', 'Form post: send a new link; the same page whether or not the address is known')
  @Throttle({ default: { limit: LINK_REQUESTS_PER_IP_PER_MINUTE, ttl: 60_000 } })
  async linkRequest(@Query('lang') lang: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.respond(req, res, async () => {
      const locale = pageLocale(lang, this.browserLocale(req));
      const t = this.renderer.texts(locale);
      const address = field(req, 'address');
      if (!csrfValid(req, NO_LINK)) {
        const frame = this.frame(req, res, locale, '/portal/link', NO_LINK);
        return { status: 403, html: this.renderer.linkRequest(frame, { address, warning: t.csrf }) };
      }
      try {
        await this.linkRequests.request(
          address,
          typeof lang === 'string' && LOCALES.includes(lang) ? locale : undefined,
        );
      } catch (e) {
        if (!(e instanceof DomainException)) throw e;
        const frame = this.frame(req, res, locale, '/portal/link', NO_LINK);
        if (e.code === ErrorCode.RateLimited) {
          // Said the same for every address, known or not.
          return {
            status: 429,
            html: this.renderer.linkRequest(frame, { address, warning: t.link.tooMany }),
          };
        }
        if (e.code !== ErrorCode.ValidationFailed) throw e;
        return {
          status: 400,
          html: this.renderer.linkRequest(frame, { address, error: t.link.addressHint }),
        };
      }
      return {
        status: 200,
        html: this.renderer.linkSent(this.frame(req, res, locale, '/portal/link', NO_LINK)),
      };
    });
  }

  @ClientPageGet(
    ':token',
    'Page: preferences, contact details, survey, unsubscribe (403 page for a forged link, new-link form when expired)',
  )
  async home(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Query('saved') saved: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.withLink(req, res, token, lang, async (session) => {
      const view = await this.portal.view(session, { survey: true });
      if (!view) throw new PortalLinkRevokedException();
      const section = typeof saved === 'string' && SAVED.includes(saved) ? (saved as SavedSection) : null;
      return { status: 200, html: this.renderHome(req, res, token, lang, view, { saved: section }) };
    });
  }

  @ClientPagePost(':token/preferences', 'Form post: save preferences')
  async savePreferences(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.withForm(req, res, token, lang, async (session) => {
      const { changes, problems } = preferencesFromForm(req);
      if (problems.length > 0) return this.formErrors(req, res, token, lang, session, problems);
      try {
        await this.portal.updatePreferences(session, changes, this.context(req));
      } catch (e) {
        if (!isValidation(e)) throw e;
        return this.formErrors(req, res, token, lang, session, problemsOf(e));
      }
      return { redirect: this.back(token, req, lang, 'preferences') };
    });
  }

  @ClientPagePost(':token/contact', 'Form post: save (and so confirm) contact details')
  async saveContact(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.withForm(req, res, token, lang, async (session) => {
      const lines = [field(req, 'line1'), field(req, 'line2')];
      try {
        await this.portal.updateContact(
          session,
          {
            email: field(req, 'email'),
            phone: field(req, 'phone'),
            address: {
              recipient: field(req, 'recipient'),
              lines,
              city: field(req, 'city'),
              region: field(req, 'region'),
              postalCode: field(req, 'postalCode'),
              country: field(req, 'country'),
            },
          },
          this.context(req),
        );
      } catch (e) {
        if (!isValidation(e)) throw e;
        const input = Object.fromEntries(
          ['email', 'phone', 'recipient', 'line1', 'line2', 'city', 'region', 'postalCode', 'country'].map(
            (k) => [k, field(req, k)],
          ),
        );
        return this.formErrors(req, res, token, lang, session, problemsOf(e), { contactInput: input });
      }
      return { redirect: this.back(token, req, lang, 'contact') };
    });
  }

  @ClientPagePost(':token/survey', 'Form post: answer the survey')
  async saveSurvey(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.withForm(req, res, token, lang, async (session) => {
      const input = {
        valued: field(req, 'valued'),
        improve: field(req, 'improve'),
        rating: field(req, 'rating'),
      };
      const rating =
        input.rating.trim() === ''
          ? null
          : /^\d{1,2}$/.test(input.rating.trim())
            ? Number(input.rating)
            : NaN;
      try {
        await this.portal.answerSurvey(session, { valued: input.valued, improve: input.improve, rating });
      } catch (e) {
        // No survey invited the client (the form was not shown to them): nothing to store.
        if (e instanceof DomainException && e.code === ErrorCode.NotFound) {
          return { redirect: this.back(token, req, lang, null) };
        }
        if (!isValidation(e)) throw e;
        return this.formErrors(req, res, token, lang, session, problemsOf(e), { surveyInput: input });
      }
      return { redirect: this.back(token, req, lang, 'survey') };
    });
  }

  @ClientPageGet(':token/unsubscribe', 'Page: confirm unsubscribing from everything (changes nothing)')
  async unsubscribePage(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.withLink(req, res, token, lang, async (session) => {
      const view = await this.portal.view(session);
      if (!view) throw new PortalLinkRevokedException();
      const locale = pageLocale(lang, view.locale);
      const frame = this.frame(req, res, locale, `/portal/${token}/unsubscribe`, csrfBinding(view.clientId));
      return { status: 200, html: this.renderer.unsubscribe({ ...frame, base: `/portal/${token}` }) };
    });
  }

  @ClientPagePost(':token/unsubscribe', 'Form post: unsubscribe from everything')
  async unsubscribe(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.withForm(req, res, token, lang, async (session) => {
      await this.portal.unsubscribeAll(session, this.context(req));
      return { redirect: this.back(token, req, lang, 'unsubscribed') };
    });
  }

  @ClientPagePost(
    ':token/resubscribe',
    'Form post: receive messages again after unsubscribing from everything',
  )
  async resubscribe(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.withForm(req, res, token, lang, async (session) => {
      await this.portal.updatePreferences(session, { optedOut: false }, this.context(req));
      return { redirect: this.back(token, req, lang, 'resubscribed') };
    });
  }

  /** A page behind a link: 403 page when forged, the new-link form (410) when expired or revoked. */
  private withLink(
    req: Request,
    res: Response,
    token: string,
    lang: unknown,
    fn: (session: PortalSession) => Promise<Rendered>,
  ): Promise<void> {
    return this.respond(req, res, async () => {
      const check = this.access.check(token);
      if (!check.ok && check.reason === 'invalid') {
        const locale = pageLocale(lang, this.browserLocale(req));
        return {
          status: 403,
          html: this.renderer.invalid(this.frame(req, res, locale, '/portal/link', NO_LINK)),
        };
      }
      try {
        if (!check.ok) throw new PortalLinkRevokedException();
        return await fn(check.session);
      } catch (e) {
        if (!(e instanceof PortalLinkRevokedException)) throw e;
        const locale = pageLocale(lang, this.browserLocale(req));
        const frame = this.frame(req, res, locale, '/portal/link', NO_LINK);
        return { status: 410, html: this.renderer.linkRequest(frame, { expired: true }) };
      }
    });
  }

  /** A form post behind a link: the CSRF token is checked first; a stale form shows the page again. */
  private withForm(
    req: Request,
    res: Response,
    token: string,
    lang: unknown,
    fn: (session: PortalSession) => Promise<Rendered>,
  ): Promise<void> {
    return this.withLink(req, res, token, lang, async (session) => {
      if (!csrfValid(req, csrfBinding(session.clientId))) {
        const view = await this.portal.view(session, { survey: true });
        if (!view) throw new PortalLinkRevokedException();
        const warning = this.renderer.texts(pageLocale(lang, view.locale)).csrf;
        return { status: 403, html: this.renderHome(req, res, token, lang, view, { warning }) };
      }
      return fn(session);
    });
  }

  private async formErrors(
    req: Request,
    res: Response,
    token: string,
    lang: unknown,
    session: PortalSession,
    errors: FieldError[],
    extra: HomeOptions = {},
  ): Promise<Rendered> {
    const view = await this.portal.view(session, { survey: true });
    if (!view) throw new PortalLinkRevokedException();
    return { status: 400, html: this.renderHome(req, res, token, lang, view, { errors, ...extra }) };
  }

  private renderHome(
    req: Request,
    res: Response,
    token: string,
    lang: unknown,
    view: PortalView,
    options: HomeOptions,
  ): string {
    const locale = pageLocale(lang, view.locale);
    const base = `/portal/${token}`;
    const frame = this.frame(req, res, locale, base, csrfBinding(view.clientId));
    return this.renderer.home({ ...frame, base }, view, options);
  }

  private frame(req: Request, res: Response, locale: Locale, path: string, binding: string) {
    return { locale, path, csrf: csrfToken(ensureCsrfNonce(req, res), binding) };
  }

  private back(token: string, req: Request, lang: unknown, saved: SavedSection | null): string {
    const locale = pageLocale(lang, this.browserLocale(req));
    const anchor = saved === null || saved === 'unsubscribed' || saved === 'resubscribed' ? 'content' : saved;
    return `/portal/${encodeURIComponent(token)}?lang=${locale}${saved ? `&saved=${saved}` : ''}#${anchor}`;
  }

  private context(req: Request) {
    return requestContext(req, PORTAL_WORDING_VERSION);
  }

  // The error filter would log the path, token included: failures are answered and logged here.
  private async respond(req: Request, res: Response, fn: () => Promise<Rendered>): Promise<void> {
    let out: Rendered;
    try {
      out = await fn();
    } catch (e) {
      this.logger.error(`Portal page (${req.method}) failed: ${e instanceof Error ? e.message : String(e)}`);
      const locale = pageLocale(req.query.lang, this.browserLocale(req));
      out = { status: 500, html: this.renderer.error(this.frame(req, res, locale, '/portal/link', NO_LINK)) };
    }
    setClientPageHeaders(res);
    if ('redirect' in out) {
      res.redirect(303, out.redirect);
      return;
    }
    res.status(out.status).type('text/html; charset=utf-8').send(out.html);
  }

  private browserLocale(req: Request): Locale {
    return browserLocale(req, this.config.workspace.locale as Locale);
  }
}

/** A form token is bound to the client of the link (any of its link versions). */
function csrfBinding(clientId: string): string {
  return `client:${clientId}`;
}

function field(req: Request, name: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

function list(req: Request, name: string): string[] {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The preferences form → a full change (the form shows every item); field problems, localised later. */
export function preferencesFromForm(req: Request): { changes: PreferenceChanges; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const changes: PreferenceChanges = {};
  const frequency = field(req, 'frequency');
  if (FREQUENCIES.includes(frequency)) changes.frequency = frequency as Frequency;
  else problems.push({ field: 'frequency', messages: ['choose a frequency'] });
  const allowed = new Set(list(req, 'channels'));
  changes.channels = Object.fromEntries(CHANNELS.map((c) => [c, allowed.has(c)]));
  const preferred = field(req, 'preferredChannel');
  if (preferred === '') changes.preferredChannel = null;
  else if ((CHANNELS as readonly string[]).includes(preferred)) {
    if (allowed.has(preferred)) changes.preferredChannel = preferred as Channel;
    else problems.push({ field: 'preferredChannel', messages: ['the preferred channel must be allowed'] });
  } else problems.push({ field: 'preferredChannel', messages: ['unknown channel'] });
  const subscribed = new Set(list(req, 'topics'));
  changes.topics = Object.fromEntries(list(req, 'shownTopics').map((k) => [k, subscribed.has(k)]));
  if (field(req, 'quietEnabled')) {
    // Typed on a 24-hour clock; "8:00" is 08:00.
    const start = field(req, 'quietStart').trim().padStart(5, '0').slice(0, 5);
    const end = field(req, 'quietEnd').trim().padStart(5, '0').slice(0, 5);
    if (QUIET_HOURS_FORMAT.test(start) && QUIET_HOURS_FORMAT.test(end) && start !== end) {
      changes.quietHours = { start, end };
    } else problems.push({ field: 'quietHours', messages: ['start and end must be HH:MM and differ'] });
  } else changes.quietHours = null;
  // Only from a form that showed the choice (an older page leaves it as it is).
  if (field(req, 'clickTrackingShown')) changes.clickTracking = field(req, 'clickTracking') !== '';
  const locale = field(req, 'locale');
  if (locale !== '') {
    if (LOCALES.includes(locale)) changes.locale = locale as Locale;
    else problems.push({ field: 'locale', messages: ['unknown language'] });
  }
  return { changes, problems };
}

function isValidation(e: unknown): e is DomainException {
  return e instanceof DomainException && e.code === ErrorCode.ValidationFailed;
}

function problemsOf(e: DomainException): FieldError[] {
  return Array.isArray(e.details) ? e.details : [{ field: 'answers', messages: [e.message] }];
}
