import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Client, ClientKind, Stage } from '@touchbase/clients';
import { Locale } from '@touchbase/core';

let seq = 0;

/** A client row with sensible defaults (its preferences row is created by the database). */
export async function createClient(dataSource: DataSource, overrides: Partial<Client> = {}): Promise<Client> {
  seq += 1;
  const repo = dataSource.getRepository(Client);
  const saved = await repo.save(
    repo.create({
      externalRef: `T-${seq}-${randomBytes(3).toString('hex')}`,
      name: `Клиент ${seq}`,
      kind: ClientKind.Company,
      email: `client${seq}-${randomBytes(3).toString('hex')}@example.com`,
      phone: `+7912${String(1_000_000 + seq).slice(-7)}`,
      addressRecipient: `ООО «Клиент ${seq}»`,
      addressLines: [`ул. Ленина, д. ${seq}`],
      addressCity: 'Екатеринбург',
      addressRegion: 'Свердловская область',
      addressPostalCode: '620014',
      addressCountry: 'RU',
      locale: Locale.Ru,
      timeZone: 'Asia/Yekaterinburg',
      stage: Stage.Potential,
      stageChangedAt: new Date(),
      ...overrides,
    }),
  );
  return repo.findOneByOrFail({ id: saved.id });
}

export async function createPurchase(
  dataSource: DataSource,
  clientId: string,
  amount: number,
  purchasedAt: Date,
  extra: { externalId?: string; currency?: string; product?: string } = {},
): Promise<void> {
  await dataSource.query(
    `INSERT INTO purchases (client_id, amount, purchased_at, currency, external_id, product)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [clientId, amount, purchasedAt, extra.currency ?? 'RUB', extra.externalId ?? null, extra.product ?? null],
  );
}

export function daysAgo(days: number, from = new Date()): Date {
  return new Date(from.getTime() - days * 86_400_000);
}
