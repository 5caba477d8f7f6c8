import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { Channel, CHANNELS, NotFoundException } from '@touchbase/core';
import { channelAllowedSql, contactDataSql, FREQUENCY_CAPS, Frequency } from '@touchbase/preferences';
import { Delivery, DeliveryReason, TOUCH_STATUSES_SQL } from '@touchbase/runs';
import { Cap } from './frequency-policy';
import { FrequencyPolicyService } from './frequency-policy.service';

export interface Explanation {
  delivery: Delivery | null;
  explanation: string;
  details: string[];
}

interface Touch {
  campaign: string;
  channel: string;
  scheduled_at: Date;
  status: string;
}

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
    const q = <T>(sql: string, params: unknown[]) => this.dataSource.query(sql, params) as Promise<T[]>;
    const [ctx] = await q<{
      campaign: string;
      topic_key: string;
      channels: string[];
      time_zone: string | null;
      archived_at: Date | null;
      name: string;
      period_key: string;
    }>(
      `SELECT ca.name AS campaign, ca.topic_key, ca.channels, c.time_zone, c.archived_at, c.name, r.period_key
         FROM runs r JOIN campaigns ca ON ca.id = r.campaign_id, clients c
        WHERE r.id = $1 AND c.id = $2`,
      [runId, clientId],
    );
    if (!ctx) throw new NotFoundException('Run or client', `${runId}/${clientId}`);
    const zone = ctx.time_zone ?? this.config.workspace.timeZone;
    const when = (d: Date) =>
      DateTime.fromJSDate(d).setZone(zone).setLocale('en').toFormat('d LLL yyyy HH:mm');
    const delivery = await this.dataSource.getRepository(Delivery).findOneBy({ runId, clientId });
    const subject = `${ctx.name} in "${ctx.campaign}" ${ctx.period_key}`;

    if (!delivery) {
      const why = ctx.archived_at
        ? `the client was archived on ${when(ctx.archived_at)}`
        : "the client is not in the campaign's segment";
      return { delivery: null, explanation: `${subject}: not in the audience — ${why}.`, details: [] };
    }
    const channel = delivery.channel ? channelPhrase(delivery.channel) : 'nothing';
    switch (delivery.reason) {
      case null:
        return {
          delivery,
          explanation: `${subject}: ${delivery.status} — ${channel} at ${when(delivery.scheduledAt)} (${zone}).`,
          details: [`Channels in order: ${ctx.channels.join(', ')}`],
        };
      case DeliveryReason.OptedOut: {
        const [log] = await q<{ changed_at: Date; source: string }>(
          `SELECT changed_at, source FROM consent_log WHERE client_id = $1 AND item = 'optedOut' ORDER BY id DESC LIMIT 1`,
          [clientId],
        );
        const since = log ? ` on ${when(log.changed_at)} (${log.source})` : '';
        return {
          delivery,
          explanation: `${subject}: suppressed — the client unsubscribed from everything${since}.`,
          details: [],
        };
      }
      case DeliveryReason.TopicUnsubscribed: {
        const [log] = await q<{ changed_at: Date; source: string }>(
          `SELECT changed_at, source FROM consent_log WHERE client_id = $1 AND item = $2 ORDER BY id DESC LIMIT 1`,
          [clientId, `topic.${ctx.topic_key}`],
        );
        const since = log
          ? ` on ${when(log.changed_at)} (${log.source})`
          : ' (the topic is opt-in and the client never subscribed)';
        return {
          delivery,
          explanation: `${subject}: suppressed — not subscribed to "${ctx.topic_key}"${since}.`,
          details: [],
        };
      }
      case DeliveryReason.ChannelNotAllowed:
        return {
          delivery,
          explanation: `${subject}: suppressed — the client allows none of the campaign's channels (${ctx.channels.join(', ')}).`,
          details: [],
        };
      case DeliveryReason.NoContactData:
        return {
          delivery,
          explanation: `${subject}: suppressed — no usable contact data for the channels the client allows.`,
          details: await this.contactDetails(clientId),
        };
      case DeliveryReason.FrequencyCap:
        return { delivery, ...(await this.capExplanation(subject, delivery, clientId, when)) };
      case DeliveryReason.QuietHoursExpired:
        return {
          delivery,
          explanation: `${subject}: suppressed — the client's next sending window opens after the deadline ${delivery.deadlineAt ? when(delivery.deadlineAt) : ''}.`,
          details: [],
        };
      case DeliveryReason.Displaced: {
        const [by] = await q<{ name: string }>(
          `SELECT ca.name FROM deliveries d JOIN campaigns ca ON ca.id = d.campaign_id
            WHERE d.client_id = $1 AND d.priority > $2 AND d.status IN ${TOUCH_STATUSES_SQL}
              AND d.created_at >= $3 ORDER BY d.created_at LIMIT 1`,
          [clientId, delivery.priority, delivery.createdAt],
        );
        return {
          delivery,
          explanation: `${subject}: cancelled — displaced by the higher-priority "${by?.name ?? 'campaign'}" to keep the client within the caps.`,
          details: [],
        };
      }
      default:
        return { delivery, explanation: `${subject}: ${delivery.status} — ${delivery.reason}.`, details: [] };
    }
  }

  private async capExplanation(
    subject: string,
    delivery: Delivery,
    clientId: string,
    when: (d: Date) => string,
  ): Promise<{ explanation: string; details: string[] }> {
    const policy = await this.policies.get();
    const [prefs] = await this.dataSource.query(
      `SELECT frequency FROM client_preferences WHERE client_id = $1`,
      [clientId],
    );
    const maxDays = 90;
    const touches: Touch[] = await this.dataSource.query(
      `SELECT ca.name AS campaign, d.channel, d.scheduled_at, d.status
         FROM deliveries d JOIN campaigns ca ON ca.id = d.campaign_id
        WHERE d.client_id = $1 AND d.id <> $2 AND d.counts_as_touch
          AND d.status IN ${TOUCH_STATUSES_SQL}
          AND d.scheduled_at > $3::timestamptz - make_interval(days => $4)
          AND d.scheduled_at < $3::timestamptz + make_interval(days => $4)
        ORDER BY d.scheduled_at`,
      [clientId, delivery.id, delivery.scheduledAt, maxDays],
    );
    const at = delivery.scheduledAt.getTime();
    const layers: { label: string; cap: Cap; channel?: string }[] = [
      ...policy.overall.map((cap) => ({ label: 'workspace cap', cap })),
      ...(delivery.channel
        ? (policy.perChannel[delivery.channel] ?? []).map((cap) => ({
            label: `${delivery.channel} cap`,
            cap,
            channel: delivery.channel!,
          }))
        : []),
    ];
    const own = FREQUENCY_CAPS[(prefs?.frequency ?? 'unlimited') as Frequency];
    if (own) layers.push({ label: `the client's own preference (${prefs.frequency})`, cap: own });
    const details: string[] = [];
    let first: string | null = null;
    for (const layer of layers) {
      const window = layer.cap.windowDays * 86_400_000;
      const inWindow = touches.filter(
        (t) =>
          Math.abs(new Date(t.scheduled_at).getTime() - at) < window &&
          (!layer.channel || t.channel === layer.channel),
      );
      if (inWindow.length >= layer.cap.maxTouches) {
        const list = inWindow
          .map((t) => `"${t.campaign}" (${t.channel}) on ${when(new Date(t.scheduled_at))}`)
          .join(', ');
        const line = `${layer.label}: at most ${layer.cap.maxTouches} in ${layer.cap.windowDays} days; already ${inWindow.length} within ${layer.cap.windowDays} days — ${list}`;
        details.push(line);
        first ??= `already ${inWindow.length} touch${inWindow.length === 1 ? '' : 'es'} within ${layer.cap.windowDays} days (${layer.label}: at most ${layer.cap.maxTouches}) — ${list}`;
      }
    }
    return {
      explanation: `${subject}: suppressed — ${first ?? 'no room under the frequency caps'}.`,
      details,
    };
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

function channelPhrase(channel: string): string {
  return CHANNEL_NAMES[channel] ?? channel;
}
