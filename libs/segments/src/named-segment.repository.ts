import { EntityManager } from 'typeorm';
import { validateSegmentRule } from './segment-compiler';
import { SegmentRule } from './segment-rule';

/**
 * The segment with this name (case-insensitive), created with these rules when there is none; its id.
 * A segment someone already made under the name is kept as it is (the playbook proposes, never overwrites).
 */
export async function ensureNamedSegment(
  manager: EntityManager,
  segment: { name: string; description: string; rules: SegmentRule },
): Promise<string> {
  await manager.query(
    `INSERT INTO segments (name, description, rules) VALUES ($1, $2, $3::jsonb) ON CONFLICT DO NOTHING`,
    [segment.name, segment.description, JSON.stringify(validateSegmentRule(segment.rules))],
  );
  const [row]: { id: string }[] = await manager.query(
    `SELECT id FROM segments WHERE lower(name) = lower($1)`,
    [segment.name],
  );
  return row.id;
}
