import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { NotFoundException } from '@touchbase/core';
import { ApiKey } from './entities/api-key.entity';
import { StaffMember } from './entities/staff-member.entity';

export const API_KEY_PREFIX = 'tb_';
const SHOWN_PREFIX_LENGTH = 11; // "tb_" and 8 characters of the key
const LAST_USED_RESOLUTION_SECONDS = 60;

export interface IssuedApiKey {
  apiKey: ApiKey;
  /** The key itself: returned once, never stored. */
  key: string;
}

export interface KeyHolder {
  staff: StaffMember;
  apiKeyId: string;
}

/** Keys are 256 random bits, so a plain SHA-256 (no salt, no slow hash) is the right way to store them. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

@Injectable()
export class ApiKeyService {
  private readonly logger = new Logger(ApiKeyService.name);

  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  async issue(
    staffMemberId: string,
    name: string,
    key = generateApiKey(),
    manager?: EntityManager,
  ): Promise<IssuedApiKey> {
    const repo = manager ? manager.getRepository(ApiKey) : this.keys;
    const apiKey = await repo.save(
      repo.create({
        staffMemberId,
        name,
        prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
        keyHash: hashApiKey(key),
      }),
    );
    return { apiKey, key };
  }

  /** Revokes every key of a member (deactivation). */
  async revokeAll(staffMemberId: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.keys.manager).query(
      `UPDATE api_keys SET revoked_at = now() WHERE staff_member_id = $1 AND revoked_at IS NULL`,
      [staffMemberId],
    );
  }

  listForStaff(staffMemberId: string): Promise<ApiKey[]> {
    return this.keys.find({ where: { staffMemberId }, order: { createdAt: 'DESC' } });
  }

  listAll(): Promise<ApiKey[]> {
    return this.keys.find({ relations: { staffMember: true }, order: { createdAt: 'DESC' } });
  }

  async revoke(keyId: string, staffMemberId?: string): Promise<ApiKey> {
    const apiKey = await this.keys.findOne({ where: { id: keyId, ...(staffMemberId && { staffMemberId }) } });
    if (!apiKey) throw new NotFoundException('API key', keyId);
    if (!apiKey.revokedAt) {
      await this.keys.update({ id: keyId, revokedAt: IsNull() }, { revokedAt: new Date() });
      apiKey.revokedAt = (await this.keys.findOneByOrFail({ id: keyId })).revokedAt;
    }
    return apiKey;
  }

  /** The active staff member holding `key`, or null for an unknown, revoked or deactivated key. */
  async authenticate(key: string): Promise<KeyHolder | null> {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
    const row = await this.keys
      .createQueryBuilder('k')
      .innerJoinAndSelect('k.staffMember', 's')
      .where('k.keyHash = :hash', { hash: hashApiKey(key) })
      .andWhere('k.revokedAt IS NULL')
      .andWhere('s.active')
      .getOne();
    if (!row?.staffMember) return null;
    this.touch(row.id);
    return { staff: row.staffMember, apiKeyId: row.id };
  }

  // Records the last use at minute resolution, without making the request wait for it.
  private touch(keyId: string): void {
    this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :keyId', { keyId })
      .andWhere(`(last_used_at IS NULL OR last_used_at < now() - make_interval(secs => :res))`, {
        res: LAST_USED_RESOLUTION_SECONDS,
      })
      .execute()
      .catch((e: unknown) => this.logger.warn(`Could not record API key use: ${String(e)}`));
  }
}
