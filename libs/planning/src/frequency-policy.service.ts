import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SettingsService } from '@touchbase/settings';
import { DEFAULT_FREQUENCY_POLICY, FREQUENCY_POLICY_KEY, FrequencyPolicy } from './frequency-policy';

@Injectable()
export class FrequencyPolicyService {
  constructor(private readonly settings: SettingsService) {}

  async get(manager?: EntityManager): Promise<FrequencyPolicy> {
    const stored = await this.settings.get<Partial<FrequencyPolicy>>(FREQUENCY_POLICY_KEY, {}, manager);
    return {
      overall: stored.overall ?? DEFAULT_FREQUENCY_POLICY.overall,
      perChannel: { ...DEFAULT_FREQUENCY_POLICY.perChannel, ...(stored.perChannel ?? {}) },
      sendingWindows: { ...DEFAULT_FREQUENCY_POLICY.sendingWindows, ...(stored.sendingWindows ?? {}) },
      sunset: stored.sunset ?? DEFAULT_FREQUENCY_POLICY.sunset,
    };
  }

  set(policy: FrequencyPolicy, actorId?: string): Promise<FrequencyPolicy> {
    return this.settings.set(FREQUENCY_POLICY_KEY, { ...policy, sunset: policy.sunset ?? null }, actorId);
  }
}
