import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { rowsOf } from '@touchbase/database';
import { normalizeEmail } from '@touchbase/clients';
import { CHANNELS, ValidationException } from '@touchbase/core';
import {
  ActorType,
  ConsentContext,
  ConsentSource,
  PreferenceChanges,
  PreferencesService,
  TopicsService,
} from '@touchbase/preferences';
import { ImportKind } from '../entities/import.entity';
import { RESOLVE_CLIENTS } from '../import.sql';
import { BatchOutcome, RowError, SourceRow, Validated } from '../import.types';
import { ColumnSet, MissingColumnsError, RowProblems } from '../mapping/column-set';
import { findTopic, TopicRef } from '../mapping/header-mapping';
import { PhoneNormalizer } from '../values/phone-normalizer';
import {
  parseChannel,
  parseFrequency,
  parseLocale,
  parseTimeZone,
  parseYesNo,
  splitList,
} from '../values/value-parsers';
import { ImportHandler, KindImport, OpenImport } from './import-handler';

export interface PreferenceRow {
  rowNumber: number;
  ref: string | null;
  email: string | null;
  phone: string | null;
  changes: PreferenceChanges;
}

const PREFERENCE_FIELDS = [
  'optedOut',
  ...CHANNELS.map((c) => `channel.${c}`),
  'preferredChannel',
  'frequency',
  'topics',
  'locale',
  'timeZone',
];

class PreferenceImport implements KindImport<PreferenceRow> {
  // A statement per changed client (PreferencesService.applyLocked): smaller batches.
  readonly batchSize = 500;
  private readonly seenClients = new Map<string, number>();

  constructor(
    private readonly columns: ColumnSet,
    private readonly topics: (TopicRef & { defaultSubscribed: boolean })[],
    private readonly phones: PhoneNormalizer,
    private readonly preferences: PreferencesService,
    private readonly context: ConsentContext,
  ) {}

  validate(row: SourceRow): Validated<PreferenceRow> {
    const cols = this.columns;
    const problems = new RowProblems(cols, row);
    const ref = cols.value(row, 'clientRef') || null;
    let email: string | null = null;
    const emailText = cols.value(row, 'clientEmail');
    if (emailText) {
      const parsed = normalizeEmail(emailText);
      if (parsed.ok) email = parsed.value;
      else problems.add('clientEmail', `Неверный email «${emailText}» / ${parsed.message}`);
    }
    let phone: string | null = null;
    const phoneText = cols.value(row, 'clientPhone');
    if (phoneText) {
      const parsed = this.phones.normalize(phoneText);
      if (parsed.ok) phone = parsed.value;
      else problems.add('clientPhone', `Неверный номер телефона «${phoneText}» / ${parsed.message}`);
    }
    if (!ref && !emailText && !phoneText) {
      problems.add(
        null,
        'Не указан клиент: нужен код, email или телефон / No client: give a reference, email or phone',
      );
    }

    const changes: PreferenceChanges = {};
    const yesNo = (field: string, apply: (v: boolean) => void) => {
      const text = cols.value(row, field);
      if (!text) return;
      const parsed = parseYesNo(text);
      if (parsed.ok) apply(parsed.value);
      else problems.add(field, parsed.message);
    };
    yesNo('optedOut', (v) => (changes.optedOut = v));
    for (const channel of CHANNELS) {
      yesNo(`channel.${channel}`, (v) => (changes.channels = { ...changes.channels, [channel]: v }));
    }
    const preferred = cols.value(row, 'preferredChannel');
    if (preferred) {
      const parsed = parseChannel(preferred);
      if (parsed.ok) changes.preferredChannel = parsed.value;
      else problems.add('preferredChannel', parsed.message);
    }
    const frequency = cols.value(row, 'frequency');
    if (frequency) {
      const parsed = parseFrequency(frequency);
      if (parsed.ok) changes.frequency = parsed.value;
      else problems.add('frequency', parsed.message);
    }
    // «Темы» is the full list of subscribed topics: the ones it leaves out are unsubscribed.
    const list = cols.value(row, 'topics');
    if (list) {
      const listed = new Set<string>();
      for (const name of splitList(list)) {
        const topic = findTopic(name, this.topics);
        if (topic) listed.add(topic.key);
        else {
          problems.add(
            'topics',
            `Неизвестная тема «${name}»; есть: ${this.topics.map((t) => t.key).join(', ')} / Unknown topic "${name}"`,
          );
        }
      }
      changes.topics = Object.fromEntries(this.topics.map((t) => [t.key, listed.has(t.key)]));
    }
    for (const field of cols.fields().filter((f) => f.startsWith('topic.'))) {
      yesNo(field, (v) => (changes.topics = { ...changes.topics, [field.slice(6)]: v }));
    }
    const locale = cols.value(row, 'locale');
    if (locale) {
      const parsed = parseLocale(locale);
      if (parsed.ok) changes.locale = parsed.value;
      else problems.add('locale', parsed.message);
    }
    const zone = cols.value(row, 'timeZone');
    if (zone) {
      const parsed = parseTimeZone(zone);
      if (parsed.ok) changes.timeZone = parsed.value;
      else problems.add('timeZone', parsed.message);
    }
    if (problems.any) return { ok: false, errors: problems.errors };
    return { ok: true, value: { rowNumber: row.rowNumber, ref, email, phone, changes } };
  }

  async write(manager: EntityManager, rows: PreferenceRow[]): Promise<BatchOutcome> {
    const resolved = rowsOf<{ row_no: number; client_id: string | null }>(
      await manager.query(RESOLVE_CLIENTS, [
        rows.map((r) => r.rowNumber),
        rows.map((r) => r.ref),
        rows.map((r) => r.email),
        rows.map((r) => r.phone),
      ]),
    );
    const clientOf = new Map(resolved.map((r) => [r.row_no, r.client_id]));
    const ids = [...new Set(resolved.map((r) => r.client_id).filter((id): id is string => id !== null))];
    // The batch's clients locked and read at once; each row then goes through the one preference
    // change path (the same rules and consent-log rows as the API and the portal).
    const current = await this.preferences.lockMany(ids, manager);
    const outcome: BatchOutcome = { created: 0, updated: 0, unchanged: 0, errors: [] };
    for (const row of rows) {
      const clientId = clientOf.get(row.rowNumber);
      const before = clientId ? current.get(clientId) : undefined;
      const fail = (column: string | null, message: string) =>
        outcome.errors.push({ row: row.rowNumber, column, message });
      if (!clientId || !before) {
        fail(
          this.identityColumn(row),
          'Клиент не найден ни по коду, ни по email, ни по телефону / No client has this reference, email or phone',
        );
        continue;
      }
      const first = this.seenClients.get(clientId);
      if (first !== undefined) {
        fail(
          this.identityColumn(row),
          `Тот же клиент уже был в строке ${first} / The same client is on row ${first}`,
        );
        continue;
      }
      this.seenClients.set(clientId, row.rowNumber);
      try {
        const applied = await this.preferences.applyLocked(
          clientId,
          before,
          row.changes,
          this.context,
          manager,
        );
        if (applied) outcome.updated += 1;
        else outcome.unchanged += 1;
      } catch (e) {
        if (!(e instanceof ValidationException)) throw e;
        outcome.errors.push(...this.validationErrors(row.rowNumber, e));
      }
    }
    return outcome;
  }

  private identityColumn(row: PreferenceRow): string | null {
    const field = row.ref ? 'clientRef' : row.email ? 'clientEmail' : 'clientPhone';
    return this.columns.header(field);
  }

  private validationErrors(rowNumber: number, e: ValidationException): RowError[] {
    const details = Array.isArray(e.details) ? e.details : [];
    if (details.length === 0) return [{ row: rowNumber, column: null, message: e.message }];
    return details.map((d) => {
      const field = d.field.startsWith('topics.') ? `topic.${d.field.slice(7)}` : d.field;
      return { row: rowNumber, column: this.columns.header(field), message: d.messages.join('; ') };
    });
  }
}

@Injectable()
export class PreferenceImportHandler implements ImportHandler {
  readonly kind = ImportKind.Preferences;
  readonly tables = ['client_preferences', 'client_topic_subscriptions', 'clients'];

  constructor(
    private readonly preferences: PreferencesService,
    private readonly topics: TopicsService,
    private readonly config: AppConfig,
  ) {}

  async open({ columns, actor }: OpenImport): Promise<KindImport<PreferenceRow>> {
    if (!['clientRef', 'clientEmail', 'clientPhone'].some((f) => columns.has(f))) {
      throw new MissingColumnsError(
        'В файле нет столбца, по которому найти клиента («Код клиента», «Email» или «Телефон») / The file has no column to find the client by (client ref, email or phone)',
      );
    }
    if (!columns.fields().some((f) => PREFERENCE_FIELDS.includes(f) || f.startsWith('topic.'))) {
      throw new MissingColumnsError(
        'В файле нет столбцов с настройками («Отписан», «Email разрешён», «Частота», «Тема: …» …) / The file has no preference columns (opted out, channels, frequency, topics …)',
      );
    }
    const topics = (await this.topics.list()).map((t) => ({
      key: t.key,
      nameRu: t.nameRu,
      nameEn: t.nameEn,
      defaultSubscribed: t.defaultSubscribed,
    }));
    const context: ConsentContext = {
      actorType: actor.staffId ? ActorType.Staff : ActorType.System,
      actorId: actor.staffId,
      source: ConsentSource.Import,
    };
    return new PreferenceImport(
      columns,
      topics,
      new PhoneNormalizer(this.config.workspace.phoneRegion),
      this.preferences,
      context,
    );
  }
}
