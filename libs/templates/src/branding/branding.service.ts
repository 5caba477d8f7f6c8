import { createHash } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@touchbase/config';
import { Locale, ValidationException } from '@touchbase/core';
import { SettingsService } from '@touchbase/settings';
import { SignatureMime, sniffSignatureImage, UnsupportedSignatureImageException } from '../signature-image';

/** The workspace setting that holds the company's branding. */
export const BRANDING_SETTING = 'branding';
/** The header colour when none is set (the portal's own blue). */
export const DEFAULT_BRAND_COLOUR = '#1a5fb4';
/** A logo is shown in a 40-pixel header: more than this is never needed. */
export const MAX_LOGO_BYTES = 256 * 1024;
/** Other processes see a change within this long. */
const REFRESH_MS = 10_000;

interface StoredBranding {
  name?: string | null;
  nameEn?: string | null;
  colour?: string | null;
  logo?: { mime: SignatureMime; base64: string } | null;
}

/** How clients recognise the company: in the portal's header, the unsubscribe pages, every message. */
export interface Branding {
  name: string;
  nameEn: string | null;
  colour: string;
  logo: { mime: SignatureMime; data: Buffer } | null;
  /** Changes whenever any of the above does: the pages' asset URLs carry it (cache busting). */
  version: string;
}

export interface BrandingChange {
  name?: string;
  nameEn?: string | null;
  colour?: string | null;
}

/**
 * The company's name (Russian and English), header colour and logo: a workspace setting over the
 * COMPANY_NAME / COMPANY_NAME_EN environment. Read synchronously from a snapshot (message contexts
 * are built without queries), refreshed every few seconds and at once after a change here.
 */
@Injectable()
export class BrandingService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Branding');
  private snapshot: Branding;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
  ) {
    this.snapshot = this.compose({});
  }

  /** Branding from the environment alone, stored nowhere (unit specs and tools without a database). */
  static ofEnvironment(config: AppConfig): BrandingService {
    const none = { get: async <T>(_key: string, defaults: T) => defaults, set: async <T>(_k: string, v: T) => v };
    return new BrandingService(none as unknown as SettingsService, config);
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  get current(): Branding {
    return this.snapshot;
  }

  /** The company's name for a client or a page in `locale`: the English one for English, when set. */
  companyName(locale: Locale | string): string {
    return (locale === Locale.En && this.snapshot.nameEn) || this.snapshot.name;
  }

  async update(change: BrandingChange, actorId?: string): Promise<Branding> {
    const stored = await this.stored();
    const next: StoredBranding = { ...stored };
    if (change.name !== undefined) next.name = change.name;
    if (change.nameEn !== undefined) next.nameEn = change.nameEn;
    if (change.colour !== undefined) next.colour = change.colour?.toLowerCase() ?? null;
    return this.save(next, actorId);
  }

  /** Stores a PNG or JPEG logo, recognised by its bytes. */
  async setLogo(data: Buffer, actorId: string): Promise<Branding> {
    if (data.length === 0) {
      throw new ValidationException('The file is empty', [{ field: 'file', messages: ['file is empty'] }]);
    }
    if (data.length > MAX_LOGO_BYTES) {
      throw new ValidationException(`The logo is larger than ${MAX_LOGO_BYTES / 1024} KB`, [
        { field: 'file', messages: [`file must be at most ${MAX_LOGO_BYTES / 1024} KB`] },
      ]);
    }
    const mime = sniffSignatureImage(data);
    if (!mime) throw new UnsupportedSignatureImageException();
    return this.save({ ...(await this.stored()), logo: { mime, base64: data.toString('base64') } }, actorId);
  }

  async removeLogo(actorId: string): Promise<Branding> {
    return this.save({ ...(await this.stored()), logo: null }, actorId);
  }

  private async save(value: StoredBranding, actorId?: string): Promise<Branding> {
    await this.settings.set(BRANDING_SETTING, value, actorId);
    this.snapshot = this.compose(value);
    return this.snapshot;
  }

  private stored(): Promise<StoredBranding> {
    return this.settings.get<StoredBranding>(BRANDING_SETTING, {});
  }

  private async refresh(): Promise<void> {
    try {
      this.snapshot = this.compose(await this.stored());
    } catch (e) {
      // The database may be away for a moment: the last snapshot stands until the next refresh.
      this.logger.warn(`Branding not refreshed: ${(e as Error).message}`);
    }
  }

  private compose(stored: StoredBranding): Branding {
    const company = this.config.company;
    const branding = {
      name: stored.name || company.name,
      nameEn: stored.nameEn !== undefined ? stored.nameEn : company.nameEn,
      colour: stored.colour || DEFAULT_BRAND_COLOUR,
      logo: stored.logo ? { mime: stored.logo.mime, data: Buffer.from(stored.logo.base64, 'base64') } : null,
    };
    const version = createHash('sha256')
      .update(JSON.stringify([branding.name, branding.nameEn, branding.colour, stored.logo?.base64 ?? '']))
      .digest('hex')
      .slice(0, 12);
    return { ...branding, version };
  }
}

/** WCAG contrast ratio of white text on `#rrggbb` (the header and the buttons are white on it). */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (luminance + 0.05);
}

/** The chrome of a client page in `locale`: the company's name in that language, colour and logo. */
export function clientPageFrame(
  branding: BrandingService,
  locale: Locale,
  path: string,
): { locale: Locale; path: string; company: string; brand: { version: string; hasLogo: boolean } } {
  const { version, logo } = branding.current;
  return { locale, path, company: branding.companyName(locale), brand: { version, hasLogo: logo !== null } };
}
