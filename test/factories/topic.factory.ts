import { DataSource, EntityManager } from 'typeorm';

/** A topic (kept as it is when the key exists already); opt-in unless `defaultSubscribed`. */
export async function createTopic(
  dataSource: DataSource | EntityManager,
  key: string,
  names: { ru: string; en: string },
  defaultSubscribed = false,
): Promise<void> {
  await dataSource.query(
    `INSERT INTO topics (key, name_ru, name_en, default_subscribed) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [key, names.ru, names.en, defaultSubscribed],
  );
}

/** A client's explicit choice about a topic. */
export async function setTopicSubscription(
  dataSource: DataSource | EntityManager,
  clientId: string,
  topicKey: string,
  subscribed: boolean,
): Promise<void> {
  await dataSource.query(
    `INSERT INTO client_topic_subscriptions (client_id, topic_key, subscribed) VALUES ($1, $2, $3)
     ON CONFLICT (client_id, topic_key) DO UPDATE SET subscribed = EXCLUDED.subscribed`,
    [clientId, topicKey, subscribed],
  );
}
