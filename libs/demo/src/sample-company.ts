import { base, en, Faker, ru } from '@faker-js/faker';
import { DateTime } from 'luxon';
import { StaffRole } from '@touchbase/core';

/** A city of the sample base: its zone, region, postal code prefix and landline code. */
interface City {
  name: string;
  region: string;
  zone: string;
  postal: string;
  landline: string;
  weight: number;
}

// Where the sample company's clients live: eight time zones, from Kaliningrad to Vladivostok.
const CITIES: City[] = [
  { name: 'Москва', region: 'Москва', zone: 'Europe/Moscow', postal: '1', landline: '495', weight: 30 },
  {
    name: 'Санкт-Петербург',
    region: 'Санкт-Петербург',
    zone: 'Europe/Moscow',
    postal: '19',
    landline: '812',
    weight: 14,
  },
  {
    name: 'Казань',
    region: 'Республика Татарстан',
    zone: 'Europe/Moscow',
    postal: '420',
    landline: '843',
    weight: 5,
  },
  {
    name: 'Калининград',
    region: 'Калининградская область',
    zone: 'Europe/Kaliningrad',
    postal: '236',
    landline: '4012',
    weight: 8,
  },
  {
    name: 'Самара',
    region: 'Самарская область',
    zone: 'Europe/Samara',
    postal: '443',
    landline: '846',
    weight: 5,
  },
  {
    name: 'Екатеринбург',
    region: 'Свердловская область',
    zone: 'Asia/Yekaterinburg',
    postal: '620',
    landline: '343',
    weight: 10,
  },
  {
    name: 'Новосибирск',
    region: 'Новосибирская область',
    zone: 'Asia/Novosibirsk',
    postal: '630',
    landline: '383',
    weight: 10,
  },
  {
    name: 'Красноярск',
    region: 'Красноярский край',
    zone: 'Asia/Krasnoyarsk',
    postal: '660',
    landline: '391',
    weight: 4,
  },
  {
    name: 'Иркутск',
    region: 'Иркутская область',
    zone: 'Asia/Irkutsk',
    postal: '664',
    landline: '3952',
    weight: 4,
  },
  {
    name: 'Владивосток',
    region: 'Приморский край',
    zone: 'Asia/Vladivostok',
    postal: '690',
    landline: '423',
    weight: 10,
  },
];

export interface SampleStaff {
  name: string;
  email: string;
  role: StaffRole;
}

export interface SampleClient {
  ref: string;
  name: string;
  kind: 'company' | 'person';
  /** A company's contact person (whose name its email address is made of); null for a person. */
  contactName: string | null;
  phone: string | null;
  /** Whether the phone takes SMS (a mobile number); null without a phone. */
  phoneMobile: boolean | null;
  email: string | null;
  addressLine: string;
  city: string;
  region: string;
  postalCode: string;
  ownerEmail: string | null;
  tags: string[];
  locale: 'ru' | 'en';
  timeZone: string;
  vip: boolean;
  /** Days before the reference date the contact data was last verified; null: never. */
  verifiedDaysAgo: number | null;
}

export interface SamplePurchase {
  id: string;
  clientRef: string;
  at: Date;
  amount: number;
  product: string;
  productCategory: string;
}

export interface SamplePreference {
  clientRef: string;
  optedOut?: boolean;
  sms?: boolean;
  calls?: boolean;
  preferredChannel?: 'email' | 'sms' | 'call' | 'letter';
  frequency?: 'weekly' | 'twice-monthly' | 'monthly' | 'quarterly';
  /** The full list of topics the client wants (the others are unsubscribed). */
  topics?: string[];
}

export interface SampleCompany {
  staff: SampleStaff[];
  clients: SampleClient[];
  purchases: SamplePurchase[];
  preferences: SamplePreference[];
}

export interface SampleCompanyOptions {
  clients: number;
  seed: number;
  /** Purchases end here, two years of them; verification dates count back from here. */
  until: Date;
}

type Profile = 'prospect' | 'lapsed' | 'active';

const OWNED_SHARE: Record<Profile, number> = { active: 0.9, lapsed: 0.7, prospect: 0.5 };

const ALL_TOPICS = [
  'news',
  'promotions',
  'price-changes',
  'new-products',
  'company-letters',
  'greetings',
  'surveys',
  'service',
];

/**
 * A realistic, deterministic sample company: the same seed and reference date give the same base.
 * Names, streets and products come from faker's Russian (and, for a few clients, English) locale.
 */
export function generateSampleCompany(options: SampleCompanyOptions): SampleCompany {
  const f = new Faker({ locale: [ru, en, base] });
  const fEn = new Faker({ locale: [en, base] });
  f.seed(options.seed);
  fEn.seed(options.seed + 1);
  const until = DateTime.fromJSDate(options.until, { zone: 'UTC' });

  const staff = sampleStaff(f);
  const owners = staff.filter((s) => s.role === StaffRole.SalesOps);
  const clients: SampleClient[] = [];
  const purchases: SamplePurchase[] = [];
  const preferences: SamplePreference[] = [];

  for (let i = 1; i <= options.clients; i++) {
    const ref = `DEMO-${String(i).padStart(5, '0')}`;
    const english = f.number.float() < 0.06;
    const city = f.helpers.weightedArrayElement(CITIES.map((c) => ({ value: c, weight: c.weight })));
    const person = f.number.float() < 0.8;
    // A person's email is made of their own name (transliterated); a company's of its contact's.
    const contact = english ? englishName(fEn) : russianName(f);
    const name = person ? contact.full : (english ? fEn : f).company.name();
    const hasPhone = f.number.float() < 0.9;
    const mobile = f.number.float() < 0.85;
    const phone = !hasPhone
      ? null
      : mobile
        ? `+79${f.string.numeric(9)}`
        : `+7${city.landline}${f.string.numeric(10 - city.landline.length)}`;
    const profile: Profile = f.helpers.weightedArrayElement([
      { value: 'prospect' as const, weight: 12 },
      { value: 'lapsed' as const, weight: 22 },
      { value: 'active' as const, weight: 66 },
    ]);
    // Log-normal spending, with a few large accounts: revenue is concentrated, as A/B/C expects.
    const large = f.number.float() < 0.05;
    const scale = Math.exp(Math.log(12_000) + 0.9 * normal(f)) * (large ? 8 : 1);
    clients.push({
      ref,
      name,
      kind: person ? 'person' : 'company',
      contactName: person ? null : contact.full,
      phone,
      phoneMobile: hasPhone ? mobile : null,
      email: f.number.float() < 0.92 ? f.internet.exampleEmail(contact).toLowerCase() : null,
      addressLine: `${f.location.street()}, д. ${f.number.int({ min: 1, max: 150 })}${
        person ? `, кв. ${f.number.int({ min: 1, max: 300 })}` : ''
      }`,
      city: city.name,
      region: city.region,
      postalCode: city.postal + f.string.numeric(6 - city.postal.length),
      // Large and active accounts have an account manager; small and dormant ones often not.
      ownerEmail:
        large || f.number.float() < OWNED_SHARE[profile] ? f.helpers.arrayElement(owners).email : null,
      tags: f.helpers.arrayElements(['опт', 'розница', 'b2b', 'выставка-2025', 'рекомендация'], {
        min: 0,
        max: 2,
      }),
      locale: english ? 'en' : 'ru',
      timeZone: city.zone,
      vip: profile === 'active' && f.number.float() < 0.015,
      verifiedDaysAgo: f.number.float() < 0.9 ? f.number.int({ min: 5, max: 330 }) : null,
    });
    purchases.push(...samplePurchases(f, ref, profile, scale, until));
    const preference = samplePreference(f, ref);
    if (preference) preferences.push(preference);
  }
  return { staff, clients, purchases, preferences };
}

interface PersonName {
  firstName: string;
  lastName: string;
  /** As the base writes it: «Фамилия Имя Отчество», or "First Last". */
  full: string;
}

function russianName(f: Faker): PersonName {
  const sex = f.person.sexType();
  const firstName = f.person.firstName(sex);
  const lastName = f.person.lastName(sex);
  return { firstName, lastName, full: `${lastName} ${firstName} ${f.person.middleName(sex)}` };
}

function englishName(f: Faker): PersonName {
  const firstName = f.person.firstName();
  const lastName = f.person.lastName();
  return { firstName, lastName, full: `${firstName} ${lastName}` };
}

function sampleStaff(f: Faker): SampleStaff[] {
  const member = (role: StaffRole): SampleStaff => {
    const sex = f.person.sexType();
    const firstName = f.person.firstName(sex);
    const lastName = f.person.lastName(sex);
    return {
      name: `${firstName} ${lastName}`,
      email: f.internet.exampleEmail({ firstName, lastName }).toLowerCase(),
      role,
    };
  };
  return [
    member(StaffRole.Marketer),
    member(StaffRole.SalesOps),
    member(StaffRole.SalesOps),
    member(StaffRole.SalesOps),
    member(StaffRole.SalesOps),
  ];
}

/** Two years of purchases: a client's scale of spending, and when they bought by profile. */
function samplePurchases(
  f: Faker,
  ref: string,
  profile: Profile,
  scale: number,
  until: DateTime,
): SamplePurchase[] {
  if (profile === 'prospect') return [];
  const count = profile === 'lapsed' ? f.number.int({ min: 1, max: 6 }) : f.number.int({ min: 2, max: 20 });
  // Lapsed: the last purchase 7 to 24 months ago; active: one within the last three months.
  const latestDaysAgo =
    profile === 'lapsed' ? f.number.int({ min: 210, max: 700 }) : f.number.int({ min: 1, max: 90 });
  const list: SamplePurchase[] = [];
  for (let n = 0; n < count; n++) {
    const daysAgo = n === 0 ? latestDaysAgo : f.number.int({ min: latestDaysAgo, max: 730 });
    const at = until.minus({ days: daysAgo, minutes: f.number.int({ min: 0, max: 600 }) });
    list.push({
      id: `${ref}-${String(n + 1).padStart(3, '0')}`,
      clientRef: ref,
      at: at.toJSDate(),
      amount: Math.max(100, Math.round((scale * f.number.float({ min: 0.4, max: 1.6 })) / 10) * 10),
      product: f.commerce.productName(),
      productCategory: f.commerce.department(),
    });
  }
  return list;
}

/** About a third of the clients have told the company something about how to reach them. */
function samplePreference(f: Faker, ref: string): SamplePreference | null {
  const p: SamplePreference = { clientRef: ref };
  let changed = false;
  const roll = (share: number) => f.number.float() < share;
  if (roll(0.03)) {
    p.optedOut = true;
    changed = true;
  }
  if (roll(0.06)) {
    p.sms = false;
    changed = true;
  }
  if (roll(0.04)) {
    p.calls = false;
    changed = true;
  }
  if (roll(0.08)) {
    // Only a channel the client allows can be the preferred one.
    p.preferredChannel = f.helpers.arrayElement(
      (['sms', 'letter', 'call'] as const).filter(
        (c) => !(c === 'sms' && p.sms === false) && !(c === 'call' && p.calls === false),
      ),
    );
    changed = true;
  }
  if (roll(0.2)) {
    p.frequency = f.helpers.weightedArrayElement([
      { value: 'monthly' as const, weight: 5 },
      { value: 'quarterly' as const, weight: 2 },
      { value: 'twice-monthly' as const, weight: 2 },
      { value: 'weekly' as const, weight: 1 },
    ]);
    changed = true;
  }
  if (roll(0.08)) {
    const dropped: string[] = f.helpers.arrayElements(['promotions', 'news', 'surveys', 'greetings'], {
      min: 1,
      max: 2,
    });
    p.topics = ALL_TOPICS.filter((t) => !dropped.includes(t));
    changed = true;
  }
  return changed ? p : null;
}

/** A standard normal draw (Box–Muller) from the seeded generator. */
function normal(f: Faker): number {
  const u = Math.max(f.number.float(), Number.EPSILON);
  const v = f.number.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
