import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import PDFDocument from 'pdfkit';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { Locale, neutraliseFormula, NotFoundException } from '@touchbase/core';
import { letterFonts } from '@touchbase/letters';
import { ConsentState, PreferencesService } from '@touchbase/preferences';
import { BrandingService } from '@touchbase/templates';

/** One consent or withdrawal of the evidence. */
export interface EvidenceRow {
  id: string;
  at: string;
  kind: 'consent' | 'channel' | 'topic' | 'opt-out';
  channel: string | null;
  topic: string | null;
  action: 'granted' | 'withdrawn';
  source: string;
  actorType: string;
  wordingVersion: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface Evidence {
  client: {
    id: string;
    name: string;
    email: string | null;
    phone: string | null;
    externalRef: string | null;
    erased: boolean;
  };
  state: ConsentState;
  items: EvidenceRow[];
  generatedAt: Date;
}

interface LogRow {
  id: string;
  changed_at: Date;
  actor_type: string;
  source: string;
  item: string;
  new_value: unknown;
  ip: string | null;
  user_agent: string | null;
  wording_version: string | null;
}

/** The consent-log items that are consents or withdrawals (not frequency, language …). */
const CONSENT_ITEMS_SQL = `(item LIKE 'consent.%' OR item LIKE 'channel.%' OR item LIKE 'topic.%' OR item = 'optedOut')`;

const CSV_COLUMNS = [
  'id',
  'at',
  'kind',
  'channel',
  'topic',
  'action',
  'source',
  'actorType',
  'wordingVersion',
  'ip',
  'userAgent',
] as const;

const WORDS: Record<
  Locale,
  {
    title: string;
    company: string;
    client: string;
    email: string;
    phone: string;
    ref: string;
    generated: string;
    state: string;
    none: string;
    empty: string;
    page: string;
    columns: string[];
    action: Record<EvidenceRow['action'], string>;
    kind: Record<EvidenceRow['kind'], string>;
    stateValue: (v: boolean | null) => string;
    note: string;
  }
> = {
  [Locale.Ru]: {
    title: 'Журнал согласий на получение рекламы',
    company: 'Компания',
    client: 'Клиент',
    email: 'Эл. почта',
    phone: 'Телефон',
    ref: 'Внешний код',
    generated: 'Сформировано',
    state: 'Текущее состояние согласий',
    none: '—',
    empty: 'Записей о согласиях нет.',
    page: 'стр.',
    columns: ['Время', 'Запись', 'Канал', 'Тема', 'Действие', 'Источник', 'Версия текста', 'IP', 'Браузер'],
    action: { granted: 'дано', withdrawn: 'отозвано' },
    kind: { consent: 'согласие', channel: 'канал', topic: 'тема', 'opt-out': 'все рассылки' },
    stateValue: (v) => (v === null ? 'не давалось' : v ? 'дано' : 'отозвано'),
    note:
      'Выписка из неизменяемого журнала согласий (ст. 18 Федерального закона № 38-ФЗ «О рекламе»): каждая запись — ' +
      'согласие или его отзыв, с источником, версией текста, временем, IP-адресом и браузером.',
  },
  [Locale.En]: {
    title: 'Record of consents to promotional messages',
    company: 'Company',
    client: 'Client',
    email: 'Email',
    phone: 'Phone',
    ref: 'External ref',
    generated: 'Generated',
    state: 'Current consent per channel',
    none: '—',
    empty: 'No consent records.',
    page: 'page',
    columns: ['Time', 'Record', 'Channel', 'Topic', 'Action', 'Source', 'Wording', 'IP', 'User agent'],
    action: { granted: 'granted', withdrawn: 'withdrawn' },
    kind: { consent: 'consent', channel: 'channel', topic: 'topic', 'opt-out': 'all messages' },
    stateValue: (v) => (v === null ? 'never given' : v ? 'given' : 'withdrawn'),
    note:
      'An extract of the append-only consent log (Russian Federal Law 38-FZ on Advertising, art. 18): every row is ' +
      'a consent or a withdrawal, with its source, wording version, time, IP address and user agent.',
  },
};

// A4 landscape, in points; the table's columns add up to the width between the margins.
const MARGIN = 36;
const WIDTHS = [92, 58, 48, 78, 58, 92, 96, 78, 170];

/**
 * The consent evidence of one client (38-FZ art. 18: the sender must prove prior consent): every
 * consent and withdrawal of its consent log, as CSV and as a PDF fit to hand to a regulator.
 */
@Injectable()
export class ConsentEvidenceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly preferences: PreferencesService,
    private readonly branding: BrandingService,
    private readonly config: AppConfig,
  ) {}

  async evidence(clientId: string): Promise<Evidence> {
    const [client]: {
      id: string;
      name: string;
      email: string | null;
      phone: string | null;
      external_ref: string | null;
      erased_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT id, name, email, phone, external_ref, erased_at FROM clients WHERE id = $1`,
      [clientId],
    );
    if (!client) throw new NotFoundException('Client', clientId);
    const rows: LogRow[] = await this.dataSource.query(
      `SELECT id::text, changed_at, actor_type, source, item, new_value, host(ip) AS ip, user_agent, wording_version
         FROM consent_log WHERE client_id = $1 AND ${CONSENT_ITEMS_SQL} ORDER BY id`,
      [clientId],
    );
    return {
      client: {
        id: client.id,
        name: client.name,
        email: client.email,
        phone: client.phone,
        externalRef: client.external_ref,
        erased: client.erased_at !== null,
      },
      state: await this.preferences.consentState(clientId),
      items: rows.map(toEvidenceRow),
      generatedAt: new Date(),
    };
  }

  csv(evidence: Evidence): string {
    // UTF-8 with a BOM (spreadsheets read Cyrillic right); a user agent is anyone's text: no formulas.
    return stringify(
      evidence.items.map((r) => CSV_COLUMNS.map((c) => r[c] ?? '')),
      {
        header: true,
        columns: [...CSV_COLUMNS],
        bom: true,
        record_delimiter: '\r\n',
        cast: { string: (value) => neutraliseFormula(value) },
      },
    );
  }

  async pdf(evidence: Evidence, locale: Locale): Promise<Buffer> {
    const w = WORDS[locale];
    const zone = this.config.workspace.timeZone;
    const when = (d: Date | string) =>
      DateTime.fromJSDate(new Date(d)).setZone(zone).toFormat('yyyy-MM-dd HH:mm:ss ZZ');
    const fonts = letterFonts();
    const company = this.branding.companyName(locale);
    const doc = new PDFDocument({
      size: 'A4',
      layout: 'landscape',
      margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
      info: { Title: `${w.title}: ${evidence.client.name}`, Author: company, Creator: 'touchbase' },
      compress: true,
      bufferPages: true,
    });
    doc.registerFont('regular', fonts.regular);
    doc.registerFont('bold', fonts.bold);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });

    const width = doc.page.width - 2 * MARGIN;
    doc.font('bold').fontSize(16).text(w.title, { width });
    doc.moveDown(0.5);
    const c = evidence.client;
    const facts: [string, string][] = [
      [w.company, company],
      [w.client, `${c.name} (${c.id})`],
      [w.email, c.email ?? w.none],
      [w.phone, c.phone ?? w.none],
      [w.ref, c.externalRef ?? w.none],
      [w.generated, `${when(evidence.generatedAt)} (${zone})`],
      [
        w.state,
        Object.entries(evidence.state)
          .map(([ch, v]) => `${ch}: ${w.stateValue(v)}`)
          .join('; '),
      ],
    ];
    for (const [label, value] of facts) {
      doc
        .font('bold')
        .fontSize(10)
        .text(`${label}: `, { continued: true })
        .font('regular')
        .text(value, { width });
    }
    doc.moveDown(0.5);
    doc.font('regular').fontSize(8.5).fillColor('#444444').text(w.note, { width }).fillColor('black');
    doc.moveDown(0.8);

    const bottom = doc.page.height - MARGIN - 14;
    const cells = (values: string[], font: 'regular' | 'bold') => {
      doc.font(font).fontSize(7.5);
      const heights = values.map((v, i) => doc.heightOfString(v || ' ', { width: WIDTHS[i] - 4 }));
      const h = Math.max(...heights) + 4;
      if (doc.y + h > bottom) {
        doc.addPage();
        if (font === 'regular') cells(w.columns, 'bold');
      }
      const y = doc.y;
      let x = MARGIN;
      values.forEach((v, i) => {
        doc.text(v || ' ', x + 2, y + 2, { width: WIDTHS[i] - 4, lineBreak: true });
        x += WIDTHS[i];
      });
      doc
        .moveTo(MARGIN, y + h)
        .lineTo(MARGIN + width, y + h)
        .lineWidth(0.4)
        .strokeColor(font === 'bold' ? '#000000' : '#bbbbbb')
        .stroke();
      doc.x = MARGIN;
      doc.y = y + h;
    };
    if (evidence.items.length === 0) {
      doc.font('regular').fontSize(10).text(w.empty, MARGIN, doc.y, { width });
    } else {
      cells(w.columns, 'bold');
      for (const r of evidence.items) {
        cells(
          [
            when(r.at),
            w.kind[r.kind],
            r.channel ?? '',
            r.topic ?? '',
            w.action[r.action],
            r.source,
            r.wordingVersion ?? '',
            r.ip ?? '',
            r.userAgent ?? '',
          ],
          'regular',
        );
      }
    }
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // The footer sits in the bottom margin: without it, writing there would start a new page.
      doc.page.margins.bottom = 0;
      doc
        .font('regular')
        .fontSize(7.5)
        .fillColor('#666666')
        .text(
          `${company} · ${c.name} · ${w.page} ${i + 1}/${range.count}`,
          MARGIN,
          doc.page.height - MARGIN - 8,
          {
            width,
            align: 'right',
            lineBreak: false,
          },
        );
    }
    doc.end();
    return done;
  }
}

function toEvidenceRow(r: LogRow): EvidenceRow {
  const [prefix, ...rest] = r.item.split('.');
  const key = rest.join('.');
  const kind: EvidenceRow['kind'] =
    r.item === 'optedOut'
      ? 'opt-out'
      : prefix === 'consent'
        ? 'consent'
        : prefix === 'channel'
          ? 'channel'
          : 'topic';
  // Opting out withdraws; every other item grants when it becomes true.
  const granted = kind === 'opt-out' ? r.new_value !== true : r.new_value === true;
  return {
    id: r.id,
    at: new Date(r.changed_at).toISOString(),
    kind,
    channel: kind === 'consent' || kind === 'channel' ? key : null,
    topic: kind === 'topic' ? key : null,
    action: granted ? 'granted' : 'withdrawn',
    source: r.source,
    actorType: r.actor_type,
    wordingVersion: r.wording_version,
    ip: r.ip,
    userAgent: r.user_agent,
  };
}
