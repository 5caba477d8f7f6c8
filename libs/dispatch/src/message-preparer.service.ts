import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Campaign, Edition } from '@touchbase/campaigns';
import { Channel, Locale } from '@touchbase/core';
import { ExperimentsService, ExperimentVariant } from '@touchbase/experiments';
import {
  MessageClient,
  MessageContextBuilder,
  Signer,
  Template,
  TemplatesService,
} from '@touchbase/templates';
import { ClaimedDelivery, DispatchOutcome, PreparedDelivery } from './channel-handler';
import { PREPARE_SQL } from './dispatch.sql';

const CACHE_MS = 30_000;
const YIELD_EVERY = 25;

interface PrepareRow {
  delivery_id: string;
  /** The A/B test variant whose content the delivery carries. */
  variant: string | null;
  id: string;
  link_version: number;
  name: string;
  kind: string;
  email: string | null;
  phone: string | null;
  contact_name: string | null;
  address_recipient: string | null;
  address_lines: string[];
  address_city: string | null;
  address_region: string | null;
  address_postal_code: string | null;
  address_country: string | null;
  locale: Locale;
  time_zone: string | null;
  category: string | null;
  stage: string;
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  click_tracking: boolean;
  edition_key: string;
  blocked: string | null;
}

/** A small time-bounded cache: campaigns, editions, signers and templates change rarely mid-run. */
class TtlCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();
  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    const value = load();
    this.entries.set(key, { at: Date.now(), value });
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > 1000) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

export type Prepared = {
  ready: PreparedDelivery[];
  settled: Map<string, DispatchOutcome | { kind: 'cancelled'; reason: string }>;
};

/**
 * Turns claimed deliveries into messages: one query for the clients of the batch (and whether they
 * still want it), cached campaigns, editions, signers and templates, and the render context.
 */
@Injectable()
export class MessagePreparerService {
  private readonly campaigns = new TtlCache<Campaign | null>();
  private readonly editions = new TtlCache<Edition | null>();
  private readonly signers = new TtlCache<Signer | null>();
  private readonly templates = new TtlCache<Template | null>();
  private readonly variants = new TtlCache<ExperimentVariant | null>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly contexts: MessageContextBuilder,
    private readonly templateService: TemplatesService,
    private readonly experiments: ExperimentsService,
  ) {}

  async prepare(
    items: ClaimedDelivery[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Prepared> {
    const rows: PrepareRow[] = await manager.query(PREPARE_SQL, [items.map((i) => i.id)]);
    const byId = new Map(rows.map((r) => [r.delivery_id, r]));
    const ready: PreparedDelivery[] = [];
    const settled: Prepared['settled'] = new Map();
    for (const [n, item] of items.entries()) {
      // Building contexts is CPU work; the batch before this one may be sending meanwhile: let its
      // network events through now and then rather than hold them for the whole batch.
      if (n > 0 && n % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      const row = byId.get(item.id);
      if (!row) {
        settled.set(item.id, { kind: 'failed', error: 'The delivery or its client no longer exists' });
        continue;
      }
      if (row.blocked) {
        settled.set(item.id, { kind: 'cancelled', reason: row.blocked });
        continue;
      }
      const campaign = await this.campaign(item.campaignId);
      if (!campaign) {
        settled.set(item.id, { kind: 'failed', error: 'The campaign no longer exists' });
        continue;
      }
      // An A/B test's variant: its own template for the channel and its own email subject, if it has them.
      const variant = row.variant ? await this.variant(item.runId, row.variant) : null;
      const templateName = variant?.templates[item.channel] ?? campaign.templates?.[item.channel];
      const found = templateName ? await this.template(templateName, item.channel, row.locale) : null;
      const template =
        found && variant ? withVariantSubject(found, variant, item.channel, row.locale) : found;
      if (!template) {
        settled.set(item.id, {
          kind: 'failed',
          error: `No ${item.channel} template for "${campaign.name}"`,
          reason: 'template-missing',
        });
        continue;
      }
      const edition = await this.edition(campaign.id, row.edition_key);
      const signer = campaign.signerId ? await this.signer(campaign.signerId) : null;
      const client: MessageClient = {
        id: row.id,
        linkVersion: row.link_version,
        name: row.name,
        kind: row.kind,
        email: row.email,
        phone: row.phone,
        contactName: row.contact_name,
        addressRecipient: row.address_recipient,
        addressLines: row.address_lines,
        addressCity: row.address_city,
        addressRegion: row.address_region,
        addressPostalCode: row.address_postal_code,
        addressCountry: row.address_country,
        locale: row.locale,
        timeZone: row.time_zone,
        category: row.category,
        stage: row.stage,
        owner: row.owner_name ? { name: row.owner_name, email: row.owner_email ?? '' } : null,
      };
      ready.push({
        ...item,
        client: {
          id: row.id,
          name: row.name,
          email: row.email,
          phone: row.phone,
          locale: row.locale,
          ownerId: row.owner_id,
          clickTracking: row.click_tracking,
        },
        campaign,
        edition,
        signer,
        template,
        context: this.contexts.build(client, { campaign, edition, signer, deliveryId: item.id }),
      });
    }
    return { ready, settled };
  }

  private campaign(id: string): Promise<Campaign | null> {
    return this.campaigns.get(id, () => this.dataSource.getRepository(Campaign).findOneBy({ id }));
  }

  private edition(campaignId: string, periodKey: string): Promise<Edition | null> {
    return this.editions.get(`${campaignId}|${periodKey}`, () =>
      this.dataSource.getRepository(Edition).findOneBy({ campaignId, periodKey }),
    );
  }

  private variant(runId: string, key: string): Promise<ExperimentVariant | null> {
    return this.variants.get(`${runId}|${key}`, () => this.experiments.variantOf(runId, key));
  }

  private signer(id: string): Promise<Signer | null> {
    return this.signers.get(id, () => this.dataSource.getRepository(Signer).findOneBy({ id }));
  }

  private template(name: string, channel: Channel, locale: Locale): Promise<Template | null> {
    return this.templates.get(`${name}|${channel}|${locale}`, () =>
      this.templateService.resolve(name, channel, locale).catch(() => null),
    );
  }
}

/**
 * The template with the variant's email subject in the client's language (or the other one), when the
 * variant has one; compiled apart from the template's own (another id for the renderer's cache).
 */
function withVariantSubject(
  template: Template,
  variant: ExperimentVariant,
  channel: Channel,
  locale: Locale,
): Template {
  if (channel !== Channel.Email) return template;
  const subject =
    locale === Locale.En
      ? (variant.subjectEn ?? variant.subjectRu)
      : (variant.subjectRu ?? variant.subjectEn);
  if (!subject) return template;
  const digest = createHash('sha256').update(subject).digest('hex').slice(0, 16);
  return { ...template, id: `${template.id}:subject:${digest}`, subject };
}
