import { DataSource } from 'typeorm';
import { Channel } from '@touchbase/core';

/** Helpers shared by the campaigns, calendar, schedules and scheduler suites. */

/** A template row for each channel (ru), written with SQL so the suites do not depend on the templates API. */
export async function createTemplates(
  dataSource: DataSource,
  name: string,
  channels: Channel[],
): Promise<void> {
  for (const channel of channels) {
    await dataSource.query(
      `INSERT INTO templates (name, channel, locale, subject, body) VALUES ($1, $2, 'ru', $3, 'Здравствуйте, {{client.name}}')
       ON CONFLICT (name, channel, locale) DO NOTHING`,
      [name, channel, channel === Channel.Email ? 'Тема' : null],
    );
  }
}

export async function createSigner(dataSource: DataSource, name = 'Иван Петров'): Promise<string> {
  const [row]: { id: string }[] = await dataSource.query(
    `INSERT INTO signers (name, title) VALUES ($1, 'Генеральный директор') RETURNING id`,
    [name],
  );
  return row.id;
}

/** Removes every run, delivery, edition and campaign a suite made (the playbook drafts stay). */
export async function resetCampaigns(dataSource: DataSource): Promise<void> {
  await dataSource.query(`DELETE FROM deliveries`);
  await dataSource.query(`DELETE FROM runs`);
  await dataSource.query(`DELETE FROM editions`);
  await dataSource.query(`DELETE FROM campaigns WHERE playbook_key IS NULL`);
}

export const as = (key: string) => ({ Authorization: `Bearer ${key}` });

/** The `details` of an error response as { field: messages joined }. */
export function fieldsOf(body: {
  details?: { field: string; messages: string[] }[];
}): Record<string, string> {
  return Object.fromEntries((body.details ?? []).map((d) => [d.field, d.messages.join(' | ')]));
}
