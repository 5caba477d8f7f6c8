import { Locale } from '@touchbase/core';

// Patronymics by their endings (Turkic ones are a separate word: «Рашид оглы», «Айгуль кызы»).
const MALE_PATRONYMIC = /(вич|ьич|оглы|улы|уулу)$/i;
const FEMALE_PATRONYMIC = /(вна|чна|кызы|гызы)$/i;

/**
 * «Уважаемый Иван Петрович!» / «Уважаемая Анна Сергеевна!»: Russian business style, by name and
 * patronymic, the form chosen by the patronymic. The base writes «Фамилия Имя Отчество»; «Имя
 * Отчество Фамилия» is understood too. Null when the name has no recognisable patronymic.
 */
export function russianSalutation(fullName: string): string | null {
  const words = fullName.trim().split(/\s+/);
  const candidates: [string, string][] = [];
  if (words.length === 3) candidates.push([words[1], words[2]], [words[0], words[1]]);
  if (words.length === 4 && /^(оглы|улы|уулу|кызы|гызы)$/i.test(words[3]))
    candidates.push([words[1], `${words[2]} ${words[3]}`]);
  for (const [name, patronymic] of candidates) {
    if (MALE_PATRONYMIC.test(patronymic)) return `Уважаемый ${name} ${patronymic}!`;
    if (FEMALE_PATRONYMIC.test(patronymic)) return `Уважаемая ${name} ${patronymic}!`;
  }
  return null;
}

/**
 * The first line of a personal message, or null when there is nobody to name (a company without a
 * contact person): then the template's generic greeting stands. Russian: by name and patronymic
 * when there is one, else «Здравствуйте, …!» (no gender to guess); English: "Dear …,".
 */
export function greetingFor(addressee: string | null, locale: Locale): string | null {
  const name = addressee?.trim();
  if (!name) return null;
  if (locale === Locale.En) return `Dear ${name},`;
  return russianSalutation(name) ?? `Здравствуйте, ${name}!`;
}

/** A title inside a sentence («я генеральный директор»): lower-cased, unless it starts with an abbreviation. */
export function titleInSentence(title: string): string {
  const [first, second] = title;
  if (first === undefined || (second !== undefined && second !== second.toLowerCase())) return title;
  return first.toLowerCase() + title.slice(1);
}

// «г. Москва», «город Севастополь», «город федерального значения Санкт-Петербург»: the city itself.
const CITY_PREFIX = /^(город\s+федерального\s+значения|г\.\s*|город\s+)/i;
const placeName = (s: string) => s.trim().replace(CITY_PREFIX, '').trim().toLocaleLowerCase('ru');

/**
 * The region as an address prints it: left out when it only repeats the city (Moscow, Saint
 * Petersburg and Sevastopol are cities and regions at once).
 */
export function postalRegion(city: string | null, region: string | null): string | null {
  if (!region?.trim()) return null;
  if (city?.trim() && placeName(city) === placeName(region)) return null;
  return region;
}
