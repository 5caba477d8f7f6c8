import { Locale } from '@touchbase/core';
import { MessageClient, MessageContextOptions } from './message-context';

/**
 * A complete, realistic message: every optional object present. Templates are rendered against it
 * when saved, so a typo in a variable is refused then rather than at sending time.
 */
export function sampleMessage(locale: Locale): { client: MessageClient; options: MessageContextOptions } {
  const ru = locale === Locale.Ru;
  return {
    client: {
      id: '00000000-0000-4000-8000-000000000000',
      linkVersion: 0,
      name: ru ? 'ООО «Ромашка»' : 'Northwind Trading Ltd',
      kind: 'company',
      email: ru ? 'zakupki@romashka.ru' : 'purchasing@northwind.example',
      phone: ru ? '+79123456789' : '+442071234567',
      addressRecipient: ru ? 'ООО «Ромашка», отдел закупок' : 'Northwind Trading Ltd, Purchasing',
      contactName: ru ? 'Петрова Анна Сергеевна' : 'Jane Doe',
      addressLines: [ru ? 'ул. Ленина, д. 1, оф. 5' : '12 Baker Street'],
      addressCity: ru ? 'Екатеринбург' : 'London',
      addressRegion: ru ? 'Свердловская область' : null,
      addressPostalCode: ru ? '620014' : 'NW1 6XE',
      addressCountry: ru ? 'RU' : 'GB',
      locale,
      timeZone: ru ? 'Asia/Yekaterinburg' : 'Europe/London',
      category: 'A',
      stage: 'client',
      owner: { name: ru ? 'Анна Смирнова' : 'Anna Smith', email: 'anna@example.com' },
    },
    options: {
      campaign: { name: ru ? 'Ежемесячная рассылка' : 'Monthly news', kind: 'broadcast', topicKey: 'news' },
      edition: {
        id: '00000000-0000-4000-8000-000000000001',
        updatedAt: new Date(0),
        subjectRu: 'Новости ноября',
        subjectEn: 'November news',
        blocks: [
          { type: 'heading', ru: 'Новый склад в Челябинске', en: 'A new warehouse in Chelyabinsk' },
          {
            type: 'paragraph',
            ru: 'Доставка по Уралу теперь за один день.',
            en: 'Next-day delivery across the Urals.',
          },
          { type: 'link', ru: 'Каталог', en: 'Catalogue', url: 'https://example.com/catalogue' },
        ],
      },
      signer: {
        name: 'Иван Петров',
        nameEn: 'Ivan Petrov',
        title: 'генеральный директор',
        titleEn: 'Chief Executive Officer',
        email: 'ceo@example.com',
        signatureMime: 'image/png',
      },
      deliveryId: null,
    },
  };
}
