import { Injectable } from '@nestjs/common';
import { Channel, CHANNELS, FieldError, Locale } from '@touchbase/core';
import { Frequency } from '@touchbase/preferences';
import { BrandingService, clientPageFrame } from '@touchbase/templates';
import {
  ClientMessage,
  ClientPageFrame,
  compileClientView,
  renderClientError,
  renderClientMessage,
  renderClientPage,
} from '../pages/client-page';
import type { PortalView } from '../portal.service';
import { PORTAL_TEXTS, PortalTexts } from './portal-texts';
import { HOME_VIEW, LINK_EMAIL_VIEW, LINK_REQUEST_VIEW, UNSUBSCRIBE_VIEW } from './portal-views';

export type SavedSection = keyof PortalTexts['saved'];

/** What a page shows around its content: language links, notices, the CSRF token. */
export interface PageFrame {
  locale: Locale;
  /** The path of this page, for the language links (no query). */
  path: string;
  /** The form token of this browser and link (see portal-csrf.ts). */
  csrf: string;
}

export interface HomeOptions {
  saved?: SavedSection | null;
  warning?: string | null;
  errors?: FieldError[];
  /** What the person typed, shown back when the form had errors. */
  contactInput?: Record<string, string>;
  surveyInput?: { valued: string; improve: string; rating: string };
}

const FREQUENCIES: Frequency[] = [
  Frequency.Weekly,
  Frequency.TwiceMonthly,
  Frequency.Monthly,
  Frequency.Quarterly,
  Frequency.Unlimited,
];

// Which localized message explains a field error of the services.
const FIELD_MESSAGE: Record<string, keyof PortalTexts['fields']> = {
  frequency: 'frequency',
  preferredChannel: 'preferredChannel',
  quietHours: 'quietHours',
  email: 'email',
  phone: 'phone',
  'address.country': 'country',
  'address.lines': 'address',
  'address.recipient': 'address',
  'address.city': 'address',
  'address.region': 'address',
  'address.postalCode': 'address',
  rating: 'rating',
  answers: 'answers',
  valued: 'answers',
  improve: 'answers',
  topics: 'topics',
  locale: 'locale',
};

// The element each field error links to (the error list's links move focus there).
const FIELD_ANCHOR: Record<string, string> = {
  frequency: 'frequency',
  preferredChannel: 'preferredChannel',
  quietHours: 'quiet-start',
  email: 'contact-email',
  phone: 'contact-phone',
  'address.country': 'contact-country',
  'address.lines': 'contact-line1',
  'address.recipient': 'contact-recipient',
  'address.city': 'contact-city',
  'address.region': 'contact-region',
  'address.postalCode': 'contact-postal-code',
  rating: 'survey-rating',
  answers: 'survey-valued',
  valued: 'survey-valued',
  improve: 'survey-improve',
  topics: 'topics',
  locale: 'locale',
};

/** Renders the portal's pages (and the new-link email) in Russian or English. */
@Injectable()
export class PortalRenderer {
  private readonly homeView = compileClientView(HOME_VIEW);
  private readonly unsubscribeView = compileClientView(UNSUBSCRIBE_VIEW);
  private readonly linkRequestView = compileClientView(LINK_REQUEST_VIEW);
  private readonly linkEmailView = compileClientView(LINK_EMAIL_VIEW);

  constructor(private readonly branding: BrandingService) {}

  texts(locale: Locale): PortalTexts {
    return PORTAL_TEXTS[locale];
  }

  home(frame: PageFrame & { base: string }, view: PortalView, options: HomeOptions = {}): string {
    const t = this.texts(frame.locale);
    const errors = options.errors ?? [];
    const errorOf = (field: string) => {
      const e = errors.find((x) => x.field === field);
      return e ? t.fields[FIELD_MESSAGE[field] ?? 'address'] : null;
    };
    const c = view.contact;
    const typed = options.contactInput;
    const value = (name: string, current: string | null | undefined) =>
      typed ? (typed[name] ?? '') : (current ?? '');
    const field = (
      id: string,
      name: string,
      label: string,
      type: string,
      current: string | null | undefined,
      autocomplete: string,
      error: string | null,
      hint?: string,
      maxlength = 200,
    ) => ({ id, name, label, type, value: value(name, current), autocomplete, error, hint, maxlength });
    const survey = view.survey
      ? (() => {
          const input = options.surveyInput;
          const rating = input ? input.rating : view.survey.rating === null ? '' : String(view.survey.rating);
          return {
            answered: view.survey.answered,
            valued: input ? input.valued : view.survey.valued,
            improve: input ? input.improve : view.survey.improve,
            noRating: rating === '',
            ratings: Array.from({ length: 11 }, (_, i) => ({ value: i, checked: rating === String(i) })),
            answersError: errorOf('answers') ?? errorOf('valued') ?? errorOf('improve'),
            ratingError: errorOf('rating'),
          };
        })()
      : null;
    const body = this.homeView({
      t,
      lang: frame.locale,
      base: frame.base,
      csrf: frame.csrf,
      greeting: t.greeting(view.name),
      flash: options.saved ? t.saved[options.saved] : null,
      warning: options.warning ?? null,
      errors: this.errorList(t, errors),
      optedOut: view.optedOut,
      frequencies: FREQUENCIES.map((f) => ({
        value: f,
        label: t.preferences.frequencies[f],
        checked: view.frequency === f,
      })),
      frequencyError: errorOf('frequency'),
      channels: CHANNELS.map((ch: Channel) => ({
        key: ch,
        label: t.preferences.channelNames[ch],
        checked: view.channels[ch],
        preferred: view.preferredChannel === ch,
      })),
      preferredNone: view.preferredChannel === null,
      preferredError: errorOf('preferredChannel'),
      topics: view.topics
        .map((tp) => ({
          key: tp.key,
          name: frame.locale === Locale.Ru ? tp.nameRu : tp.nameEn,
          description: frame.locale === Locale.Ru ? tp.descriptionRu : tp.descriptionEn,
          checked: tp.subscribed,
        }))
        .sort((a, b) => a.name.localeCompare(b.name, frame.locale)),
      quiet: {
        enabled: view.quietHours !== null,
        start: view.quietHours?.start ?? '21:00',
        end: view.quietHours?.end ?? '09:00',
      },
      quietError: errorOf('quietHours'),
      clickTracking: view.clickTracking,
      locales: [Locale.Ru, Locale.En].map((l) => ({
        value: l,
        label: t.lang[l],
        selected: view.locale === l,
      })),
      contactFields: [
        field(
          'contact-email',
          'email',
          t.contact.email,
          'email',
          c.email,
          'email',
          errorOf('email'),
          undefined,
          320,
        ),
        field(
          'contact-phone',
          'phone',
          t.contact.phone,
          'tel',
          c.phone,
          'tel',
          errorOf('phone'),
          t.contact.phoneHint,
          40,
        ),
        field(
          'contact-recipient',
          'recipient',
          t.contact.recipient,
          'text',
          c.address.recipient,
          'name',
          errorOf('address.recipient'),
        ),
        field(
          'contact-line1',
          'line1',
          t.contact.line1,
          'text',
          c.address.lines[0],
          'address-line1',
          errorOf('address.lines'),
        ),
        field(
          'contact-line2',
          'line2',
          t.contact.line2,
          'text',
          c.address.lines.slice(1).join(', '),
          'address-line2',
          null,
        ),
        field(
          'contact-city',
          'city',
          t.contact.city,
          'text',
          c.address.city,
          'address-level2',
          errorOf('address.city'),
        ),
        field(
          'contact-region',
          'region',
          t.contact.region,
          'text',
          c.address.region,
          'address-level1',
          errorOf('address.region'),
        ),
        field(
          'contact-postal-code',
          'postalCode',
          t.contact.postalCode,
          'text',
          c.address.postalCode,
          'postal-code',
          errorOf('address.postalCode'),
          undefined,
          20,
        ),
        field(
          'contact-country',
          'country',
          t.contact.country,
          'text',
          c.address.country,
          'country',
          errorOf('address.country'),
          t.contact.countryHint,
          60,
        ),
      ],
      verifiedAt: view.contactVerifiedAt
        ? t.contact.verifiedAt(this.formatDate(view.contactVerifiedAt, frame.locale))
        : null,
      survey,
    });
    return this.page(frame, t.title, body);
  }

  unsubscribe(frame: PageFrame & { base: string }): string {
    const t = this.texts(frame.locale);
    const body = this.unsubscribeView({
      t,
      lang: frame.locale,
      base: frame.base,
      csrf: frame.csrf,
      errors: [],
    });
    return this.page(frame, t.unsubscribe.title, body);
  }

  /** The "send me a new link" form; `expired` when the person came with an expired or revoked link. */
  linkRequest(
    frame: PageFrame,
    options: { expired?: boolean; address?: string; error?: string | null; warning?: string | null } = {},
  ): string {
    const t = this.texts(frame.locale);
    const body = this.linkRequestView({
      t,
      lang: frame.locale,
      csrf: frame.csrf,
      heading: options.expired ? t.link.expiredTitle : t.link.requestTitle,
      text: options.expired ? t.link.expiredText : t.link.requestText,
      address: options.address ?? '',
      warning: options.warning ?? null,
      errors: options.error ? [{ id: 'address', message: options.error }] : [],
    });
    return this.page(frame, options.expired ? t.link.expiredTitle : t.link.requestTitle, body);
  }

  linkSent(frame: PageFrame): string {
    const t = this.texts(frame.locale);
    return this.message(frame, { heading: t.link.sentTitle, paragraphs: [t.link.sentText] });
  }

  invalid(frame: PageFrame): string {
    const t = this.texts(frame.locale);
    return this.message(frame, {
      heading: t.invalid.title,
      paragraphs: [t.invalid.text],
      link: { path: '/portal/link', text: t.invalid.newLink },
    });
  }

  error(frame: PageFrame): string {
    return renderClientError(this.chrome(frame));
  }

  linkEmail(locale: Locale, url: string): { subject: string; html: string; text: string } {
    const t = this.texts(locale);
    const company = this.branding.companyName(locale);
    const html = this.linkEmailView({ t, lang: locale, url, company });
    const text = [t.link.emailGreeting, '', t.link.emailText, url, '', t.link.emailIgnore, '', company].join(
      '\n',
    );
    return { subject: t.link.emailSubject, html, text };
  }

  private page(frame: PageFrame, title: string, body: string): string {
    return renderClientPage(this.chrome(frame), title, body);
  }

  private message(frame: PageFrame, message: ClientMessage): string {
    return renderClientMessage(this.chrome(frame), message);
  }

  private chrome(frame: PageFrame): ClientPageFrame {
    return clientPageFrame(this.branding, frame.locale, frame.path);
  }

  private errorList(t: PortalTexts, errors: FieldError[]): { id: string; message: string }[] {
    const seen = new Set<string>();
    const out: { id: string; message: string }[] = [];
    for (const e of errors) {
      const message = t.fields[FIELD_MESSAGE[e.field] ?? 'address'];
      const id = FIELD_ANCHOR[e.field] ?? 'content';
      if (seen.has(id + message)) continue;
      seen.add(id + message);
      out.push({ id, message });
    }
    return out;
  }

  private formatDate(iso: string, locale: Locale): string {
    return new Intl.DateTimeFormat(locale === Locale.Ru ? 'ru-RU' : 'en-GB', { dateStyle: 'long' }).format(
      new Date(iso),
    );
  }
}
