import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { StaffRole } from '@touchbase/core';
import { ApiKey, generateApiKey, hashApiKey, StaffMember } from '@touchbase/staff';

let seq = 0;

export async function createStaffMember(
  dataSource: DataSource,
  overrides: Partial<StaffMember> = {},
): Promise<StaffMember> {
  seq += 1;
  const repo = dataSource.getRepository(StaffMember);
  return repo.save(
    repo.create({
      name: `Staff ${seq}`,
      email: `staff${seq}-${randomBytes(3).toString('hex')}@example.com`,
      role: StaffRole.Marketer,
      active: true,
      ...overrides,
    }),
  );
}

/** A staff member with the given role and a working API key. */
export async function createStaffWithKey(
  dataSource: DataSource,
  role: StaffRole,
  overrides: Partial<StaffMember> = {},
): Promise<{ staff: StaffMember; key: string; apiKey: ApiKey }> {
  const staff = await createStaffMember(dataSource, { role, ...overrides });
  const key = generateApiKey();
  const repo = dataSource.getRepository(ApiKey);
  const apiKey = await repo.save(
    repo.create({
      staffMemberId: staff.id,
      name: 'test',
      prefix: key.slice(0, 11),
      keyHash: hashApiKey(key),
    }),
  );
  return { staff, key, apiKey };
}
