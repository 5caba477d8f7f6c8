import { DataSource, EntityManager } from 'typeorm';
import { Segment, SegmentRule } from '@touchbase/segments';

let seq = 0;

/** A segment with the rule tree (default: everyone); returns its id. Names are unique unless given. */
export async function createSegment(
  dataSource: DataSource | EntityManager,
  name = `Segment ${++seq} ${Math.random().toString(36).slice(2, 8)}`,
  rules: SegmentRule = { all: [] },
): Promise<string> {
  const repo = dataSource.getRepository(Segment);
  return (await repo.save(repo.create({ name, rules }))).id;
}
