import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { rowsOf } from '@touchbase/database';
import { ClientKind, normalizeCountry, normalizeEmail, normalizeTags } from '@touchbase/clients';
import { Locale } from '@touchbase/core';
import { StaffMember } from '@touchbase/staff';
import { copyBool, copyInto, copyText, copyTextArray } from '../copy-writer';
import { ImportKind } from '../entities/import.entity';
import {
  BATCH_SETTINGS,
  COPY_CLIENT_STAGE,
  CREATE_CLIENT_STAGE,
  LOCK_IMPORT_KIND,
  WRITE_CLIENTS,
} from '../import.sql';
import { BatchOutcome, SourceRow, Validated } from '../import.types';
import { ColumnSet, MissingColumnsError, RowProblems } from '../mapping/column-set';
import { PhoneNormalizer } from '../values/phone-normalizer';
import { parseClientKind, parseLocale, parseTimeZone, parseYesNo, splitList } from '../values/value-parsers';
import { ImportHandler, KindImport, OpenImport } from './import-handler';

/** A validated, normalised client row; null = the file says nothing (the stored value stays). */
export interface ClientRow {
  rowNumber: number;
  externalRef: string | null;
  name: string;
  kind: ClientKind | null;
  email: string | null;
  phone: string | null;
  /** Set with the phone, as the clients API sets it; null when the file gives no phone. */
  phoneMobile: boolean | null;
  recipient: string | null;
  addressLines: string[] | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
  locale: Locale | null;
  timeZone: string | null;
  ownerId: string | null;
  tags: string[] | null;
  vip: boolean | null;
  contactName: string | null;
}

const LIMITS: Record<string, number> = {
  externalRef: 200,
  name: 300,
  recipient: 300,
  contact: 300,
  addressLine1: 300,
  addressLine2: 300,
  city: 200,
  region: 200,
  postalCode: 20,
};

const MATCHED_BY: Record<string, string> = {
  ref: 'по коду / by reference',
  email: 'по email / by email',
  phone: 'по телефону / by phone',
};

/** Staff members by email and by name, to read «Менеджер» cells. */
class OwnerDirectory {
  private readonly byEmail = new Map<string, string>();
  private readonly byName = new Map<string, string[]>();

  constructor(staff: Pick<StaffMember, 'id' | 'name' | 'email'>[]) {
    for (const s of staff) {
      this.byEmail.set(s.email.toLowerCase(), s.id);
      const key = OwnerDirectory.nameKey(s.name);
      this.byName.set(key, [...(this.byName.get(key) ?? []), s.id]);
    }
  }

  private static nameKey(name: string): string {
    return name.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
  }

  find(text: string): { ok: true; id: string } | { ok: false; message: string } {
    if (text.includes('@')) {
      const id = this.byEmail.get(text.toLowerCase());
      if (id) return { ok: true, id };
    } else {
      const ids = this.byName.get(OwnerDirectory.nameKey(text)) ?? [];
      if (ids.length === 1) return { ok: true, id: ids[0] };
      if (ids.length > 1) {
        return {
          ok: false,
          message: `Несколько сотрудников с именем «${text}»: укажите email / Several staff members are named "${text}": use the email`,
        };
      }
    }
    return {
      ok: false,
      message: `Сотрудник «${text}» не найден (укажите email или полное имя) / No staff member "${text}" (use their email or full name)`,
    };
  }
}

class ClientImport implements KindImport<ClientRow> {
  readonly batchSize = 5000;
  // Within one file: the first row of each reference (and of each email/phone of rows without one).
  private readonly seenRefs = new Map<string, number>();
  private readonly seenContacts = new Map<string, number>();

  constructor(
    private readonly columns: ColumnSet,
    private readonly owners: OwnerDirectory,
    private readonly phones: PhoneNormalizer,
    private readonly actorId: string | null,
    private readonly defaultLocale: Locale,
  ) {}

  validate(row: SourceRow): Validated<ClientRow> {
    const cols = this.columns;
    const problems = new RowProblems(cols, row);
    const text = (field: string): string | null => {
      const value = cols.value(row, field);
      if (!value) return null;
      const limit = LIMITS[field];
      if (limit && value.length > limit) {
        problems.add(field, `Длиннее ${limit} символов / Longer than ${limit} characters`);
        return null;
      }
      return value;
    };

    const name = text('name');
    if (!name && cols.value(row, 'name') === '')
      problems.add('name', 'Не указано наименование / The name is missing');
    const externalRef = text('externalRef');
    if (externalRef) {
      const first = this.seenRefs.get(externalRef);
      if (first !== undefined) {
        problems.add(
          'externalRef',
          `Код «${externalRef}» повторяется: впервые в строке ${first} / Duplicate reference "${externalRef}": first seen on row ${first}`,
        );
      } else this.seenRefs.set(externalRef, row.rowNumber);
    }

    let kind: ClientKind | null = null;
    const kindText = cols.value(row, 'kind');
    if (kindText) {
      const parsed = parseClientKind(kindText);
      if (parsed.ok) kind = parsed.value;
      else problems.add('kind', parsed.message);
    }

    let email: string | null = null;
    const emailText = cols.value(row, 'email');
    if (emailText) {
      const parsed = normalizeEmail(emailText);
      if (parsed.ok) email = parsed.value;
      else problems.add('email', `Неверный email «${emailText}» / ${parsed.message}`);
    }

    let phone: string | null = null;
    let phoneMobile: boolean | null = null;
    const phoneText = cols.value(row, 'phone');
    if (phoneText) {
      const parsed = this.phones.classify(phoneText);
      if (parsed.ok) {
        phone = parsed.value.e164;
        phoneMobile = parsed.value.mobile;
      } else problems.add('phone', `Неверный номер телефона «${phoneText}» / ${parsed.message}`);
    }

    const lines = [text('addressLine1'), text('addressLine2')].filter((l): l is string => l !== null);
    let country: string | null = null;
    const countryText = cols.value(row, 'country');
    if (countryText) {
      const parsed = normalizeCountry(countryText);
      if (parsed.ok) country = parsed.value;
      else problems.add('country', `Неизвестная страна «${countryText}» / ${parsed.message}`);
    }

    let ownerId: string | null = null;
    const ownerText = cols.value(row, 'owner');
    if (ownerText) {
      const owner = this.owners.find(ownerText);
      if (owner.ok) ownerId = owner.id;
      else problems.add('owner', owner.message);
    }

    let tags: string[] | null = null;
    const tagsText = cols.value(row, 'tags');
    if (tagsText) {
      tags = normalizeTags(splitList(tagsText));
      if (tags.length > 50 || tags.some((t) => t.length > 50)) {
        problems.add('tags', 'Не больше 50 тегов по 50 символов / At most 50 tags of 50 characters');
      }
    }

    let locale: Locale | null = null;
    const localeText = cols.value(row, 'locale');
    if (localeText) {
      const parsed = parseLocale(localeText);
      if (parsed.ok) locale = parsed.value;
      else problems.add('locale', parsed.message);
    }

    let timeZone: string | null = null;
    const zoneText = cols.value(row, 'timeZone');
    if (zoneText) {
      const parsed = parseTimeZone(zoneText);
      if (parsed.ok) timeZone = parsed.value;
      else problems.add('timeZone', parsed.message);
    }

    let vip: boolean | null = null;
    const vipText = cols.value(row, 'vip');
    if (vipText) {
      const parsed = parseYesNo(vipText);
      if (parsed.ok) vip = parsed.value;
      else problems.add('vip', parsed.message);
    }

    // Rows without a reference are told apart by email, then phone: the same one twice is one client.
    if (!externalRef && !problems.any) {
      const contact = email ? `email:${email}` : phone ? `phone:${phone}` : null;
      const first = contact ? this.seenContacts.get(contact) : undefined;
      if (contact && first !== undefined) {
        const [what, value] = email ? ['email', email] : ['телефон / phone', phone];
        problems.add(
          email ? 'email' : 'phone',
          `Клиент без кода с тем же ${what} ${value} уже есть в строке ${first} / A client without a reference and the same ${email ? 'email' : 'phone'} ${value} is on row ${first}`,
        );
      } else if (contact) this.seenContacts.set(contact, row.rowNumber);
    }

    if (problems.any || !name) return { ok: false, errors: problems.errors };
    return {
      ok: true,
      value: {
        rowNumber: row.rowNumber,
        externalRef,
        name,
        kind,
        email,
        phone,
        phoneMobile,
        recipient: text('recipient'),
        addressLines: lines.length > 0 ? lines : null,
        city: text('city'),
        region: text('region'),
        postalCode: text('postalCode'),
        country,
        locale,
        timeZone,
        ownerId,
        tags,
        vip,
        contactName: text('contact'),
      },
    };
  }

  async write(manager: EntityManager, rows: ClientRow[]): Promise<BatchOutcome> {
    await manager.query(LOCK_IMPORT_KIND, [ImportKind.Clients]);
    await manager.query(BATCH_SETTINGS);
    await manager.query(CREATE_CLIENT_STAGE);
    await copyInto(manager, COPY_CLIENT_STAGE, rows.map(copyLine).join(''));
    const [result] = rowsOf<{
      updated: number;
      created: number;
      matched: number;
      conflicts: { row: number; firstRow: number; matchedBy: string }[];
    }>(await manager.query(WRITE_CLIENTS, [this.actorId, this.defaultLocale]));
    return {
      created: result.created,
      updated: result.updated,
      unchanged: result.matched - result.updated,
      errors: result.conflicts.map((c) => ({
        row: c.row,
        column: null,
        message: `Строка указывает на того же клиента, что и строка ${c.firstRow} (${MATCHED_BY[c.matchedBy]}) / The row matches the same client as row ${c.firstRow}`,
      })),
    };
  }
}

function copyLine(r: ClientRow): string {
  return (
    `${r.rowNumber}\t${copyText(r.externalRef)}\t${copyText(r.name)}\t${copyText(r.kind)}\t${copyText(r.email)}\t` +
    `${copyText(r.phone)}\t${copyBool(r.phoneMobile)}\t${copyText(r.recipient)}\t${copyTextArray(r.addressLines)}\t${copyText(r.city)}\t` +
    `${copyText(r.region)}\t${copyText(r.postalCode)}\t${copyText(r.country)}\t${copyText(r.locale)}\t` +
    `${copyText(r.timeZone)}\t${copyText(r.ownerId)}\t${copyTextArray(r.tags)}\t${copyBool(r.vip)}\t${copyText(r.contactName)}\n`
  );
}

@Injectable()
export class ClientImportHandler implements ImportHandler {
  readonly kind = ImportKind.Clients;
  // New clients get their preferences from a trigger on clients.
  readonly tables = ['clients', 'client_preferences', 'stage_history'];

  constructor(
    @InjectRepository(StaffMember) private readonly staff: Repository<StaffMember>,
    private readonly config: AppConfig,
  ) {}

  async open({ columns, actor }: OpenImport): Promise<KindImport<ClientRow>> {
    if (!columns.has('name')) {
      throw new MissingColumnsError(
        'В файле нет столбца с наименованием клиента («Наименование», «Название», «Клиент» или Name) / The file has no client name column (Name, Company, «Наименование»)',
      );
    }
    const staff = await this.staff.find({ select: { id: true, name: true, email: true } });
    return new ClientImport(
      columns,
      new OwnerDirectory(staff),
      new PhoneNormalizer(this.config.workspace.phoneRegion),
      actor.staffId,
      this.config.workspace.locale as Locale,
    );
  }
}
