import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { StaffRole } from '@touchbase/core';
import { ApiKey, generateApiKey, hashApiKey, hashPassword, StaffMember } from '@touchbase/staff';

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

export const TEST_PASSWORD = 'correct horse battery';

/** A staff member who can sign in to the console with `password`. */
export async function createStaffWithPassword(
  dataSource: DataSource,
  role: StaffRole,
  overrides: Partial<StaffMember> = {},
  password = TEST_PASSWORD,
): Promise<{ staff: StaffMember; password: string }> {
  const staff = await createStaffMember(dataSource, { role, ...overrides });
  await dataSource
    .getRepository(StaffMember)
    .update({ id: staff.id }, { passwordHash: await hashPassword(password) });
  return { staff, password };
}

/** Gives an existing member a password (e.g. one made with createStaffWithKey). */
export async function setStaffPassword(
  dataSource: DataSource,
  staffId: string,
  password = TEST_PASSWORD,
): Promise<void> {
  await dataSource
    .getRepository(StaffMember)
    .update({ id: staffId }, { passwordHash: await hashPassword(password) });
}
