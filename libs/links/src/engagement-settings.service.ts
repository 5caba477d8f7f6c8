import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { SettingsService } from '@touchbase/settings';

/** The workspace_settings key of the engagement settings. */
export const ENGAGEMENT_SETTINGS_KEY = 'engagement';
/** Attribution: a purchase within this many days after a touch is credited to it, unless set otherwise. */
export const DEFAULT_ATTRIBUTION_WINDOW_DAYS = 30;
/** The widest attribution window (a report may ask for one, the workspace may set one). */
export const MAX_ATTRIBUTION_WINDOW_DAYS = 365;

/**
 * The workspace's engagement settings: the outer switches of click and open tracking (a campaign and a
 * client may only turn them off further), and the attribution window reports use by default.
 */
export interface EngagementSettings {
  /** Links in messages go through short links that count clicks (default: CLICK_TRACKING, on). */
  clickTracking: boolean;
  /** Emails of campaigns that ask for it carry an open pixel (default: OPEN_TRACKING, off). */
  openTracking: boolean;
  /** Days after a touch a purchase is credited to it (default 30). */
  attributionWindowDays: number;
}

/** Reads and changes the engagement settings (stored under `engagement`; CLICK_TRACKING and OPEN_TRACKING are their defaults). */
@Injectable()
export class EngagementSettingsService {
  constructor(
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
  ) {}

  /** The settings as they stand: the stored ones over the defaults. */
  get(manager?: EntityManager): Promise<EngagementSettings> {
    return this.settings.get<EngagementSettings>(ENGAGEMENT_SETTINGS_KEY, this.defaults(), manager);
  }

  /** Changes some of them; the others stay. */
  async set(change: Partial<EngagementSettings>, actorId?: string): Promise<EngagementSettings> {
    const current = await this.get();
    const next: EngagementSettings = {
      clickTracking: change.clickTracking ?? current.clickTracking,
      openTracking: change.openTracking ?? current.openTracking,
      attributionWindowDays: change.attributionWindowDays ?? current.attributionWindowDays,
    };
    return this.settings.set(ENGAGEMENT_SETTINGS_KEY, next, actorId);
  }

  defaults(): EngagementSettings {
    return {
      clickTracking: this.config.links.clickTracking,
      openTracking: this.config.links.openTracking,
      attributionWindowDays: DEFAULT_ATTRIBUTION_WINDOW_DAYS,
    };
  }
}
