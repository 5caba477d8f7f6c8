import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { Channel, CHANNELS, NotFoundException } from '@touchbase/core';
import {
  channelAllowedSql,
  consentItem,
  contactDataSql,
  FREQUENCY_CAPS,
  Frequency,
} from '@touchbase/preferences';
import { Delivery, DeliveryReason, TOUCH_STATUSES_SQL } from '@touchbase/runs';
import { Cap, capsJson, effectiveFrequencySql, engagedSinceSql, engagementJoin } from './frequency-policy';
import { FrequencyPolicyService } from './frequency-policy.service';

export interface Explanation {
  delivery: Delivery | null;
  explanation: string;
  details: string[];
  clientName: string;
  campaignName: string;
  periodKey: string;
  /** The caps the delivery would have exceeded (frequency-cap only), as facts. */
  caps: CapHit[];
  /** The higher-priority campaign that displaced the delivery (displaced only). */
  displacedBy: string | null;
}

/** One cap a delivery would have exceeded, with the touches already in its window. */
export interface CapHit {
  /**
   * workspace: over all channels; channel: that channel's cap; client: the client's own frequency;
   * sunset: the sunset policy's frequency, for a client who stopped engaging
   */
  scope: 'workspace' | 'channel' | 'client' | 'sunset';
  channel: string | null;
  frequency: string | null;
  maxTouches: number;
  windowDays: number;
  /** sunset only: since when the client has not engaged */
  engagedSince: string | null;
  touches: { campaignId: string; campaign: string; channel: string; scheduledAt: string }[];
}

interface Touch {
  for_id: string;
  client_id: string;
  campaign_id: string;
  campaign: string;
  channel: string;
  scheduled_at: Date;
  status: string;
}

/** The delivery a cap is checked for. */
export interface CappedDelivery {
  id: string;
  clientId: string;
  channel: string | null;
  scheduledAt: Date;
  /** When its run was planned (what the sunset counts the days of no engagement up to). */
  plannedAt: Date;
}

const CAP_WINDOW_MAX_DAYS = 90;

const MISSING_DATA: Record<Channel, string> = {
  [Channel.Email]: 'email allowed but no usable email address',
  [Channel.Sms]: 'SMS allowed but no usable mobile phone',
  [Channel.Call]: 'calls allowed but no usable phone or no owner to call',
  [Channel.Letter]: 'letters allowed but the postal address is incomplete or was returned',
};

const CHANNEL_NAMES: Record<string, string> = {
  email: 'an email',
  sms: 'an SMS',
  call: 'a call',
  letter: 'a letter',
};

/** Says in words why a client got what it got in a run, or nothing. */
@Injectable()
export class ExplainService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly policies: FrequencyPolicyService,
  ) {}

  async explain(runId: string, clientId: string): Promise<Explanation> {
    const { result, ctx } = await this.explainInner(runId, clientId);
    return {
      caps: [],
      displacedBy: null,
      ...result,
      clientName: ctx.name,
      campaignName: ctx.campaign,
      periodKey: ctx.period_key,
    };
  }

  private async explainInner(
    runId: string,
    clientId: string,
  ): Promise<{
    result: Pick<Explanation, 'delivery' | 'explanation' | 'details'> & Partial<Explanation>;
    ctx: { name: string; campaign: string; period_key: string };
  }> {
    const q = <T>(sql: string, params: unknown[]) => this.dataSource.query(sql, params) as Promise<T[]>;
    const [ctx] = await q<{
      campaign: string;
      topic_key: string;
      channels: string[];
      time_zone: string | null;
      archived_at: Date | null;
      name: string;
      period_key: string;
      occurrence_at: Date;
      holdout_share: number;
    }>(
      `SELECT ca.name AS campaign, ca.topic_key, ca.holdout_share, ca.channels, c.time_zone, c.archived_at, c.name,
              r.period_key, r.occurrence_at
         FROM runs r JOIN campaigns ca ON ca.id = r.campaign_id, clients c
        WHERE r.id = $1 AND c.id = $2`,
      [runId, clientId],
    );
    if (!ctx) throw new NotFoundException('Run or client', `${runId}/${clientId}`);
    const done = (
      result: Pick<Explanation, 'delivery' | 'explanation' | 'details'> & Partial<Explanation>,
    ) => ({
      result,
      ctx,
    });
    const zone = ctx.time_zone ?? this.config.workspace.timeZone;
    const when = (d: Date) =>
      DateTime.fromJSDate(d).setZone(zone).setLocale('en').toFormat('d LLL yyyy HH:mm');
    const delivery = await this.dataSource.getRepository(Delivery).findOneBy({ runId, clientId });
    const subject = `${ctx.name} in "${ctx.campaign}" ${ctx.period_key}`;

    if (!delivery) {
      const why = ctx.archived_at
        ? `the client was archived on ${when(ctx.archived_at)}`
        : "the client is not in the campaign's segment";
      return done({ delivery: null, explanation: `${subject}: not in the audience — ${why}.`, details: [] });
    }
    const channel = delivery.channel ? channelPhrase(delivery.channel) : 'nothing';
    switch (delivery.reason) {
      case null:
        return done({
          delivery,
          explanation: `${subject}: ${delivery.status} — ${channel} at ${when(delivery.scheduledAt)} (${zone}).`,
          details: [`Channels in order: ${ctx.channels.join(', ')}`],
        });
      case DeliveryReason.OptedOut: {
        const [log] = await q<{ changed_at: Date; source: string }>(
          `SELECT changed_at, source FROM consent_log WHERE client_id = $1 AND item = 'optedOut' ORDER BY id DESC LIMIT 1`,
          [clientId],
        );
        const since = log ? ` on ${when(log.changed_at)} (${log.source})` : '';
        return done({
          delivery,
          explanation: `${subject}: suppressed — the client unsubscribed from everything${since}.`,
          details: [],
        });
      }
      case DeliveryReason.TopicUnsubscribed: {
        const [log] = await q<{ changed_at: Date; source: string }>(
          `SELECT changed_at, source FROM consent_log WHERE client_id = $1 AND item = $2 ORDER BY id DESC LIMIT 1`,
          [clientId, `topic.${ctx.topic_key}`],
        );
        const since = log
          ? ` on ${when(log.changed_at)} (${log.source})`
          : ' (the topic is opt-in and the client never subscribed)';
        return done({
          delivery,
          explanation: `${subject}: suppressed — not subscribed to "${ctx.topic_key}"${since}.`,
          details: [],
        });
      }
      case DeliveryReason.ChannelNotAllowed:
        return done({
          delivery,
          explanation: `${subject}: suppressed — the client allows none of the campaign's channels (${ctx.channels.join(', ')}).`,
          details: [],
        });
      case DeliveryReason.NoContactData:
        return done({
          delivery,
          explanation: `${subject}: suppressed — no usable contact data for the channels the client allows.`,
          details: await this.contactDetails(clientId),
        });
      case DeliveryReason.SuppressionList:
        return done({
          delivery,
          explanation: `${subject}: suppressed — the client's address for the channels it allows is on the suppression list.`,
          details: [],
        });
      case DeliveryReason.NoConsent: {
        const items = ctx.channels.map((ch) => consentItem(ch as Channel));
        const last = await q<{ item: string; changed_at: Date; source: string; new_value: unknown }>(
          `SELECT DISTINCT ON (item) item, changed_at, source, new_value FROM consent_log
            WHERE client_id = $1 AND item = ANY($2::text[]) ORDER BY item, id DESC`,
          [clientId, items],
        );
        return done({
          delivery,
          explanation: `${subject}: suppressed — "${ctx.topic_key}" is promotional and needs prior consent; the client has given none for the channels it can be reached on.`,
          details: ctx.channels.map((ch) => {
            const row = last.find((l) => l.item === consentItem(ch as Channel));
            if (!row) return `${ch}: no consent recorded`;
            return `${ch}: consent ${row.new_value === true ? 'given' : 'withdrawn'} on ${when(row.changed_at)} (${row.source})`;
          }),
        });
      }
      case DeliveryReason.Holdout:
        return done({
          delivery,
          explanation: `${subject}: suppressed — held out: the campaign keeps ${percent(ctx.holdout_share)} of its audience untouched to measure what it brings (the same clients on every run).`,
          details: [],
        });
      case DeliveryReason.ControlGroup:
        return done({
          delivery,
          explanation: `${subject}: suppressed — the client is in the control group, which gets no promotional touches (to measure what they bring).`,
          details: [],
        });
      case DeliveryReason.FrequencyCap:
        return done({
          delivery,
          ...(await this.capExplanation(subject, delivery, clientId, when, ctx.occurrence_at)),
        });
      case DeliveryReason.QuietHoursExpired:
        return done({
          delivery,
          explanation: `${subject}: suppressed — the client's next sending window opens after the deadline ${delivery.deadlineAt ? when(delivery.deadlineAt) : ''}.`,
          details: [],
        });
      case DeliveryReason.Displaced: {
        const [by] = await q<{ name: string }>(
          `SELECT ca.name FROM deliveries d JOIN campaigns ca ON ca.id = d.campaign_id
            WHERE d.client_id = $1 AND d.priority > $2 AND d.status IN ${TOUCH_STATUSES_SQL}
              AND d.created_at >= $3 ORDER BY d.created_at LIMIT 1`,
          [clientId, delivery.priority, delivery.createdAt],
        );
        return done({
          delivery,
          explanation: `${subject}: cancelled — displaced by the higher-priority "${by?.name ?? 'campaign'}" to keep the client within the caps.`,
          details: [],
          displacedBy: by?.name ?? null,
        });
      }
      default:
        return done({
          delivery,
          explanation: `${subject}: ${delivery.status} — ${delivery.reason}.`,
          details: [],
        });
    }
  }

  private async capExplanation(
    subject: string,
    delivery: Delivery,
    clientId: string,
    when: (d: Date) => string,
    occurrenceAt: Date,
  ): Promise<{ explanation: string; details: string[]; caps: CapHit[] }> {
    const plannedAt = new Date(Math.max(occurrenceAt.getTime(), delivery.createdAt.getTime()));
    const [caps = []] = (
      await this.capHits(this.dataSource.manager, [
        {
          id: delivery.id,
          clientId,
          channel: delivery.channel,
          scheduledAt: delivery.scheduledAt,
          plannedAt,
        },
      ])
    ).values();
    const details: string[] = [];
    let first: string | null = null;
    for (const hit of caps) {
      const label =
        hit.scope === 'workspace'
          ? 'workspace cap'
          : hit.scope === 'channel'
            ? `${hit.channel} cap`
            : hit.scope === 'sunset'
              ? `the sunset policy (${hit.frequency}: no engagement since ${when(new Date(hit.engagedSince!))})`
              : `the client's own preference (${hit.frequency})`;
      const list = hit.touches
        .map((t) => `"${t.campaign}" (${t.channel}) on ${when(new Date(t.scheduledAt))}`)
        .join(', ');
      const n = hit.touches.length;
      details.push(
        `${label}: at most ${hit.maxTouches} in ${hit.windowDays} days; already ${n} within ${hit.windowDays} days — ${list}`,
      );
      first ??= `already ${n} touch${n === 1 ? '' : 'es'} within ${hit.windowDays} days (${label}: at most ${hit.maxTouches}) — ${list}`;
    }
    return {
      explanation: `${subject}: suppressed — ${first ?? 'no room under the frequency caps'}.`,
      details,
      caps,
    };
  }

  /**
   * The caps each delivery would exceed, with the other touches of its client in each cap's window —
   * in one pass for many deliveries (a simulation's capped clients, inside its transaction).
   */
  async capHits(manager: EntityManager, deliveries: CappedDelivery[]): Promise<Map<string, CapHit[]>> {
    const out = new Map<string, CapHit[]>();
    if (!deliveries.length) return out;
    const policy = await this.policies.get();
    const ids = deliveries.map((d) => d.id);
    // The frequency each client is capped at when its run was planned: its own, or the sunset's.
    const prefs: { id: string; own: string; effective: string; engaged_since: Date }[] = await manager.query(
      `SELECT x.id::text AS id, p.frequency AS own, ${effectiveFrequencySql('x.at', '$3::jsonb')} AS effective,
              ${engagedSinceSql()} AS engaged_since
         FROM unnest($1::bigint[], $2::timestamptz[]) AS x(id, at)
         JOIN deliveries d ON d.id = x.id
         JOIN client_preferences p ON p.client_id = d.client_id
         JOIN clients c ON c.id = d.client_id
         ${engagementJoin('d.client_id')}`,
      [ids, deliveries.map((d) => d.plannedAt), capsJson(policy)],
    );
    const touches: Touch[] = await manager.query(
      `SELECT x.id::text AS for_id, d.client_id, d.campaign_id, ca.name AS campaign, d.channel, d.scheduled_at, d.status
         FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[]) AS x(id, client_id, at)
         JOIN deliveries d ON d.client_id = x.client_id AND d.id <> x.id
         JOIN campaigns ca ON ca.id = d.campaign_id
        WHERE d.counts_as_touch AND d.status IN ${TOUCH_STATUSES_SQL}
          AND d.scheduled_at > x.at - make_interval(days => $4)
          AND d.scheduled_at < x.at + make_interval(days => $4)
        ORDER BY d.scheduled_at, d.id`,
      [ids, deliveries.map((d) => d.clientId), deliveries.map((d) => d.scheduledAt), CAP_WINDOW_MAX_DAYS],
    );
    for (const delivery of deliveries) {
      const at = delivery.scheduledAt.getTime();
      const mine = touches.filter((t) => t.for_id === String(delivery.id));
      const layers: Omit<CapHit, 'touches'>[] = [
        ...policy.overall.map((cap) => ({
          scope: 'workspace' as const,
          channel: null,
          frequency: null,
          engagedSince: null,
          ...cap,
        })),
        ...(delivery.channel
          ? (policy.perChannel[delivery.channel as Channel] ?? []).map((cap) => ({
              scope: 'channel' as const,
              channel: delivery.channel,
              frequency: null,
              engagedSince: null,
              ...cap,
            }))
          : []),
      ];
      const pref = prefs.find((p) => p.id === String(delivery.id));
      const frequency = pref?.effective ?? 'unlimited';
      const own: Cap | null = FREQUENCY_CAPS[frequency as Frequency] ?? null;
      const sunset = pref !== undefined && pref.effective !== pref.own;
      if (own) {
        layers.push({
          scope: sunset ? 'sunset' : 'client',
          channel: null,
          frequency,
          engagedSince: sunset ? new Date(pref.engaged_since).toISOString() : null,
          ...own,
        });
      }
      const hits: CapHit[] = [];
      for (const layer of layers) {
        const window = layer.windowDays * 86_400_000;
        const inWindow = mine.filter(
          (t) =>
            Math.abs(new Date(t.scheduled_at).getTime() - at) < window &&
            (!layer.channel || t.channel === layer.channel),
        );
        if (inWindow.length >= layer.maxTouches) {
          hits.push({
            scope: layer.scope,
            channel: layer.channel,
            frequency: layer.frequency,
            engagedSince: layer.engagedSince,
            maxTouches: layer.maxTouches,
            windowDays: layer.windowDays,
            touches: inWindow.map((t) => ({
              campaignId: t.campaign_id,
              campaign: t.campaign,
              channel: t.channel,
              scheduledAt: new Date(t.scheduled_at).toISOString(),
            })),
          });
        }
      }
      out.set(delivery.id, hits);
    }
    return out;
  }

  /** What keeps the client from each channel it allows, by the one reachability rule. */
  private async contactDetails(clientId: string): Promise<string[]> {
    const [c] = await this.dataSource.query(
      `SELECT c.contact_flags,
              ${CHANNELS.map((ch) => `${channelAllowedSql(ch)} AS allowed_${ch}, ${contactDataSql(ch)} AS data_${ch}`).join(',\n              ')}
         FROM clients c JOIN client_preferences p ON p.client_id = c.id WHERE c.id = $1`,
      [clientId],
    );
    const out = CHANNELS.filter((ch) => c[`allowed_${ch}`] && !c[`data_${ch}`]).map((ch) => MISSING_DATA[ch]);
    if (c.contact_flags?.length) out.push(`flagged contact data: ${c.contact_flags.join(', ')}`);
    return out;
  }
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

function channelPhrase(channel: string): string {
  return CHANNEL_NAMES[channel] ?? channel;
}
