import { Locale } from '@touchbase/core';
import { greetingFor, postalRegion, russianSalutation, titleInSentence } from './salutation';

describe('salutation', () => {
  it('addresses by name and patronymic, in the form the patronymic gives', () => {
    expect(russianSalutation('Иванов Иван Петрович')).toBe('Уважаемый Иван Петрович!');
    expect(russianSalutation('Смирнова Анна Сергеевна')).toBe('Уважаемая Анна Сергеевна!');
    expect(russianSalutation('Кузьмина Ольга Ильинична')).toBe('Уважаемая Ольга Ильинична!');
    expect(russianSalutation('Лукин Илья Ильич')).toBe('Уважаемый Илья Ильич!');
    expect(russianSalutation('Мария Петровна Иванова')).toBe('Уважаемая Мария Петровна!');
    expect(russianSalutation('Алиев Эльдар Рашид оглы')).toBe('Уважаемый Эльдар Рашид оглы!');
    expect(russianSalutation('Иван Петров')).toBeNull();
  });

  it('greets neutrally without a patronymic, in English with "Dear", and nobody without a name', () => {
    expect(greetingFor('Иван Петров', Locale.Ru)).toBe('Здравствуйте, Иван Петров!');
    expect(greetingFor('Петров Иван Сергеевич', Locale.Ru)).toBe('Уважаемый Иван Сергеевич!');
    expect(greetingFor('Jane Doe', Locale.En)).toBe('Dear Jane Doe,');
    expect(greetingFor(null, Locale.Ru)).toBeNull();
    expect(greetingFor('  ', Locale.En)).toBeNull();
  });

  it('lower-cases a title inside a sentence, but not an abbreviation', () => {
    expect(titleInSentence('Генеральный директор')).toBe('генеральный директор');
    expect(titleInSentence('CEO')).toBe('CEO');
    expect(titleInSentence('IT-директор')).toBe('IT-директор');
  });

  it('leaves out a region that repeats its federal city', () => {
    expect(postalRegion('Санкт-Петербург', 'Санкт-Петербург')).toBeNull();
    expect(postalRegion('Москва', 'г. Москва')).toBeNull();
    expect(postalRegion('г. Севастополь', 'город федерального значения Севастополь')).toBeNull();
    expect(postalRegion('Екатеринбург', 'Свердловская область')).toBe('Свердловская область');
    expect(postalRegion('Москва', null)).toBeNull();
  });
});
