import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Channel, FieldError } from '@touchbase/core';
import { CampaignKind, Priority } from './campaign.enums';
import { needsSigner, usedChannels } from './campaign-rules';
import { Campaign, CampaignTemplates } from './entities/campaign.entity';
import { nextOccurrences } from './schedule';

export interface ReferenceFields {
  segmentId?: string | null;
  topicKey?: string;
  templates?: CampaignTemplates;
  signerId?: string | null;
}

export interface ReadinessOptions {
  /** Activation also needs an occurrence still to come; a manual run does not. */
  requireUpcoming?: boolean;
  now?: Date;
  /**
   * Activation and run now: a must-send campaign whose letters would print unsigned is refused
   * unless this is true (the caller confirmed). Left out: not checked.
   */
  confirmUnsigned?: boolean;
}

/**
 * The checks that need the database: that what a campaign names exists, and that it can run.
 * Templates and signers are read with plain SQL so that campaigns do not depend on the templates
 * library's code, only on its tables.
 */
@Injectable()
export class CampaignChecksService {
  /** Problems with the segment, topic, templates and signer given (only those given are checked). */
  async referenceProblems(fields: ReferenceFields, manager: EntityManager): Promise<FieldError[]> {
    const problems: FieldError[] = [];
    if (fields.segmentId) {
      const [segment] = await manager.query(`SELECT 1 FROM segments WHERE id = $1`, [fields.segmentId]);
      if (!segment)
        problems.push({ field: 'segmentId', messages: [`no segment has id ${fields.segmentId}`] });
    }
    if (fields.topicKey !== undefined) {
      const keys: string[] = (await manager.query(`SELECT key FROM topics ORDER BY key`)).map(
        (t: { key: string }) => t.key,
      );
      if (!keys.includes(fields.topicKey)) {
        problems.push({
          field: 'topicKey',
          messages: [`no topic has key "${fields.topicKey}"; topics: ${keys.join(', ')}`],
        });
      }
    }
    if (fields.templates) {
      for (const [channel, name] of await this.missingTemplates(fields.templates, manager)) {
        problems.push({
          field: `templates.${channel}`,
          messages: [`no ${channel} template is named "${name}" (in any locale)`],
        });
      }
    }
    if (fields.signerId) {
      const [signer] = await manager.query(`SELECT 1 FROM signers WHERE id = $1`, [fields.signerId]);
      if (!signer) problems.push({ field: 'signerId', messages: [`no signer has id ${fields.signerId}`] });
    }
    return problems;
  }

  /** Why the campaign cannot run as it stands: templates for every channel, a signer where needed. */
  async readinessProblems(
    campaign: Campaign,
    manager: EntityManager,
    options: ReadinessOptions = {},
  ): Promise<FieldError[]> {
    const problems: FieldError[] = [];
    const templates = campaign.templates ?? {};
    for (const channel of usedChannels(campaign)) {
      if (!templates[channel]) {
        problems.push({
          field: `templates.${channel}`,
          messages: [`no template is set for the ${channel} channel`],
        });
      }
    }
    for (const [channel, name] of await this.missingTemplates(templates, manager)) {
      problems.push({
        field: `templates.${channel}`,
        messages: [`no ${channel} template is named "${name}" (in any locale); create it first`],
      });
    }
    if (needsSigner(campaign) && !campaign.signerId) {
      const why =
        campaign.kind === CampaignKind.CeoLetter
          ? 'a ceo-letter is signed: set signerId'
          : 'letters carry a signature: set signerId';
      problems.push({ field: 'signerId', messages: [why] });
    }
    if (
      options.confirmUnsigned === false &&
      campaign.priority === Priority.MustSend &&
      (await this.unsignedLettersWarning(campaign, manager))
    ) {
      problems.push({
        field: 'confirmUnsigned',
        messages: [
          'the letters of this must-send campaign would print without a signature: upload the signer’s ' +
            'signature image (PUT /api/v1/signers/{id}/signature) or confirm with confirmUnsigned: true',
        ],
      });
    }
    if (
      options.requireUpcoming &&
      nextOccurrences(campaign.schedule, campaign.timeZone, options.now ?? new Date(), 1).length === 0
    ) {
      problems.push({
        field: 'schedule',
        messages: ['the schedule has no occurrence after now, so it would never run'],
      });
    }
    return problems;
  }

  /**
   * A warning, in Russian and English, when the campaign sends letters signed by a signer without a
   * signature image: they would print unsigned. Null otherwise.
   */
  async unsignedLettersWarning(campaign: Campaign, manager: EntityManager): Promise<string | null> {
    if (!campaign.signerId || !usedChannels(campaign).includes(Channel.Letter)) return null;
    const [signer]: { name: string; signature_mime: string | null }[] = await manager.query(
      `SELECT name, signature_mime FROM signers WHERE id = $1`,
      [campaign.signerId],
    );
    if (!signer || signer.signature_mime !== null) return null;
    return (
      `Письма напечатаются без подписи: у подписанта ${signer.name} нет изображения подписи / ` +
      `Letters will print without a signature: the signer ${signer.name} has no signature image`
    );
  }

  /** The (channel, name) pairs that name no template of that channel in any locale. */
  private async missingTemplates(
    templates: CampaignTemplates,
    manager: EntityManager,
  ): Promise<[Channel, string][]> {
    const pairs = Object.entries(templates).filter((e): e is [Channel, string] => typeof e[1] === 'string');
    if (pairs.length === 0) return [];
    const found: { channel: string; name: string }[] = await manager.query(
      `SELECT DISTINCT channel, name FROM templates WHERE name = ANY($1::text[])`,
      [pairs.map(([, name]) => name)],
    );
    return pairs.filter(([channel, name]) => !found.some((f) => f.channel === channel && f.name === name));
  }
}
