import { ValidationException } from '@touchbase/core';
import { ImportKind } from '../entities/import.entity';
import { MappedColumn } from '../import.types';

/** A field an import fills, with the header texts (normalised) that mean it. */
interface FieldAliases {
  field: string;
  aliases: string[];
}

export interface TopicRef {
  key: string;
  nameRu: string;
  nameEn: string;
}

/** Lower case, ё → е, letters and digits only: «E-mail» → email, «Эл. почта» → элпочта. */
export function normalizeHeader(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

const CLIENT_FIELDS: FieldAliases[] = [
  {
    field: 'externalRef',
    aliases: [
      'внешнийкод',
      'код',
      'кодклиента',
      'внешнийидентификатор',
      'ref',
      'externalref',
      'externalreference',
      'reference',
      'code',
      'clientcode',
      'clientref',
    ],
  },
  {
    field: 'name',
    aliases: [
      'наименование',
      'название',
      'клиент',
      'имя',
      'фио',
      'организация',
      'компания',
      'name',
      'company',
      'companyname',
      'clientname',
      'fullname',
    ],
  },
  { field: 'kind', aliases: ['тип', 'типклиента', 'kind', 'type', 'clienttype'] },
  {
    field: 'phone',
    aliases: [
      'телефон',
      'тел',
      'мобильный',
      'мобильныйтелефон',
      'phone',
      'phonenumber',
      'mobile',
      'tel',
      'telephone',
    ],
  },
  {
    field: 'email',
    aliases: ['email', 'элпочта', 'электроннаяпочта', 'емейл', 'имейл', 'mail', 'emailaddress'],
  },
  {
    field: 'addressLine1',
    aliases: [
      'адрес',
      'улица',
      'адрес1',
      'адресстрока1',
      'address',
      'street',
      'address1',
      'addressline',
      'addressline1',
      'streetaddress',
    ],
  },
  { field: 'addressLine2', aliases: ['адрес2', 'адресстрока2', 'address2', 'addressline2'] },
  { field: 'city', aliases: ['город', 'населенныйпункт', 'city', 'town'] },
  { field: 'region', aliases: ['область', 'регион', 'край', 'region', 'state', 'province'] },
  { field: 'postalCode', aliases: ['индекс', 'почтовыйиндекс', 'postalcode', 'postcode', 'zip', 'zipcode'] },
  { field: 'country', aliases: ['страна', 'country'] },
  { field: 'recipient', aliases: ['получатель', 'recipient', 'addressee'] },
  { field: 'contact', aliases: ['контактноелицо', 'контакт', 'contactperson', 'contactname', 'contact'] },
  {
    field: 'owner',
    aliases: [
      'менеджер',
      'ответственный',
      'ответственныйменеджер',
      'аккаунтменеджер',
      'owner',
      'manager',
      'accountmanager',
    ],
  },
  { field: 'tags', aliases: ['теги', 'метки', 'тэги', 'tags', 'labels'] },
  { field: 'locale', aliases: ['язык', 'locale', 'language', 'lang'] },
  { field: 'timeZone', aliases: ['часовойпояс', 'таймзона', 'timezone', 'tz'] },
  { field: 'vip', aliases: ['vip', 'вип'] },
];

const PURCHASE_FIELDS: FieldAliases[] = [
  {
    field: 'externalId',
    aliases: [
      'номердокумента',
      'номер',
      'документ',
      'номерзаказа',
      'document',
      'documentnumber',
      'docnumber',
      'number',
      'invoice',
      'invoicenumber',
      'ordernumber',
      'externalid',
    ],
  },
  {
    field: 'clientRef',
    aliases: [
      'кодклиента',
      'внешнийкодклиента',
      'код',
      'clientref',
      'clientcode',
      'customercode',
      'customerref',
      'ref',
    ],
  },
  { field: 'clientEmail', aliases: ['emailклиента', 'email', 'элпочта', 'clientemail', 'customeremail'] },
  {
    field: 'date',
    aliases: ['дата', 'датапокупки', 'датадокумента', 'date', 'purchasedate', 'purchasedat', 'orderdate'],
  },
  { field: 'amount', aliases: ['сумма', 'amount', 'total', 'sum'] },
  { field: 'currency', aliases: ['валюта', 'currency'] },
  { field: 'product', aliases: ['товар', 'продукт', 'наименованиетовара', 'product', 'item', 'productname'] },
  { field: 'productCategory', aliases: ['категориятовара', 'категория', 'productcategory', 'category'] },
];

const PREFERENCE_FIELDS: FieldAliases[] = [
  {
    field: 'clientRef',
    aliases: ['кодклиента', 'внешнийкод', 'код', 'clientref', 'clientcode', 'ref', 'externalref', 'code'],
  },
  { field: 'clientEmail', aliases: ['email', 'элпочта', 'электроннаяпочта', 'clientemail'] },
  { field: 'clientPhone', aliases: ['телефон', 'тел', 'phone', 'clientphone'] },
  {
    field: 'optedOut',
    aliases: ['отписан', 'отписка', 'отписанотвсего', 'optedout', 'optout', 'unsubscribed'],
  },
  {
    field: 'channel.email',
    aliases: [
      'emailразрешен',
      'emailразрешена',
      'emailразрешено',
      'письмапоemail',
      'emailallowed',
      'allowemail',
    ],
  },
  {
    field: 'channel.sms',
    aliases: ['smsразрешены', 'smsразрешено', 'смсразрешены', 'sms', 'смс', 'smsallowed', 'allowsms'],
  },
  {
    field: 'channel.call',
    aliases: ['звонки', 'звонкиразрешены', 'calls', 'callsallowed', 'callallowed', 'allowcalls'],
  },
  {
    field: 'channel.letter',
    aliases: [
      'письма',
      'письмаразрешены',
      'почтовыеписьма',
      'letters',
      'lettersallowed',
      'allowletters',
      'postalmail',
    ],
  },
  {
    field: 'preferredChannel',
    aliases: ['предпочтительныйканал', 'предпочитаемыйканал', 'канал', 'preferredchannel'],
  },
  { field: 'frequency', aliases: ['частота', 'частотарассылок', 'частотаконтактов', 'frequency'] },
  { field: 'topics', aliases: ['темы', 'подписки', 'topics', 'subscriptions'] },
  { field: 'locale', aliases: ['язык', 'locale', 'language'] },
  { field: 'timeZone', aliases: ['часовойпояс', 'timezone'] },
];

export const IMPORT_FIELDS: Record<ImportKind, FieldAliases[]> = {
  [ImportKind.Clients]: CLIENT_FIELDS,
  [ImportKind.Purchases]: PURCHASE_FIELDS,
  [ImportKind.Preferences]: PREFERENCE_FIELDS,
};

const TOPIC_HEADER = /^\s*(?:тема|topic)\s*[:\-–—]\s*(.+)$/i;

/** The topic a «Тема: …» value or header names: by key, Russian or English name. */
export function findTopic(text: string, topics: TopicRef[]): TopicRef | undefined {
  const wanted = normalizeHeader(text);
  if (!wanted) return undefined;
  return topics.find(
    (t) =>
      normalizeHeader(t.key) === wanted ||
      normalizeHeader(t.nameRu) === wanted ||
      normalizeHeader(t.nameEn) === wanted,
  );
}

export interface HeaderMapping {
  columns: MappedColumn[];
  /** Header texts no field was found for, in file order. */
  ignored: string[];
  /** file column → field (null: ignored), what the import record keeps. */
  stored: Record<string, string | null>;
}

/** `mapping` values that mean "skip this column". */
const IGNORE_VALUES = new Set(['', '-', 'ignore', 'skip']);

/**
 * Maps the header row to fields: first the caller's explicit `mapping` (file column → field), then the
 * built-in Russian and English names. A field is fed by its first column; later ones are ignored.
 */
export function mapHeaders(
  kind: ImportKind,
  header: string[],
  custom: Record<string, string | null> = {},
  topics: TopicRef[] = [],
): HeaderMapping {
  const fields = IMPORT_FIELDS[kind];
  const known = new Set(fields.map((f) => f.field));
  const topicKeys = new Set(topics.map((t) => t.key));
  const isField = (f: string) =>
    known.has(f) || (kind === ImportKind.Preferences && f.startsWith('topic.') && topicKeys.has(f.slice(6)));

  const customByHeader = new Map<string, string | null>();
  const problems: string[] = [];
  for (const [column, target] of Object.entries(custom)) {
    const field = target === null ? null : target.trim();
    if (field !== null && !IGNORE_VALUES.has(field) && !isField(field)) {
      problems.push(
        `"${column}" → "${field}": unknown field for ${kind}; known: ${[...known].join(', ')}${kind === ImportKind.Preferences ? ', topic.<key>' : ''}`,
      );
    }
    customByHeader.set(normalizeHeader(column), field === null || IGNORE_VALUES.has(field) ? null : field);
  }
  if (problems.length > 0) {
    throw new ValidationException(`The mapping is invalid / Неверное сопоставление столбцов`, [
      { field: 'mapping', messages: problems },
    ]);
  }

  const byAlias = new Map<string, string>();
  for (const f of fields) for (const alias of f.aliases) byAlias.set(alias, f.field);

  const columns: MappedColumn[] = [];
  const ignored: string[] = [];
  const stored: Record<string, string | null> = {};
  const taken = new Set<string>();
  header.forEach((text, index) => {
    const key = normalizeHeader(text);
    let field: string | null | undefined = customByHeader.has(key)
      ? customByHeader.get(key)
      : byAlias.get(key);
    if (field === undefined && kind === ImportKind.Preferences) {
      const topicName = TOPIC_HEADER.exec(text)?.[1];
      const topic = topicName ? findTopic(topicName, topics) : undefined;
      if (topic) field = `topic.${topic.key}`;
    }
    if (!field || taken.has(field) || !text) {
      if (text) {
        ignored.push(text);
        stored[text] = null;
      }
      return;
    }
    taken.add(field);
    columns.push({ index, header: text, field });
    stored[text] = field;
  });
  const present = new Set(header.map(normalizeHeader));
  const absent = Object.keys(custom).filter((column) => !present.has(normalizeHeader(column)));
  if (absent.length > 0) {
    throw new ValidationException(
      `The mapping names columns the file does not have / В файле нет столбцов из сопоставления`,
      [
        {
          field: 'mapping',
          messages: [
            `not in the file: ${absent.join(', ')}; the file has: ${header.filter((h) => h).join(', ')}`,
          ],
        },
      ],
    );
  }
  return { columns, ignored, stored };
}
