import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Client } from '@touchbase/clients';
import { NotFoundException, ValidationException } from '@touchbase/core';
import { PreviewTemplateDto } from './dto/template.dto';
import { Signer } from './entities/signer.entity';
import { Template } from './entities/template.entity';
import { MessageCampaign, MessageClient, MessageContext, MessageEdition } from './message-context';
import { MessageContextBuilder } from './message-context.builder';
import { SignersService } from './signers.service';
import { RenderedMessage, TemplateRenderer } from './template-renderer';
import { TemplatesService } from './templates.service';

export interface PreparedPreview {
  template: Template;
  context: MessageContext;
  signer: Signer | null;
  rendered: RenderedMessage;
}

interface CampaignRow extends MessageCampaign {
  id: string;
  signerId: string | null;
}

interface EditionRow extends MessageEdition {
  campaignId: string;
}

/**
 * Renders a template for a real client, as it would be sent: its owner, the campaign's signer and
 * latest edition. Campaigns and editions are read with plain SQL so that templates never depend on
 * the campaigns library, which refers to templates and signers.
 */
@Injectable()
export class TemplatePreviewService {
  constructor(
    @InjectRepository(Client) private readonly clients: Repository<Client>,
    private readonly dataSource: DataSource,
    private readonly templates: TemplatesService,
    private readonly signers: SignersService,
    private readonly renderer: TemplateRenderer,
    private readonly contexts: MessageContextBuilder,
  ) {}

  async preview(templateId: string, dto: PreviewTemplateDto): Promise<RenderedMessage> {
    return (await this.prepare(templateId, dto)).rendered;
  }

  /** The preview with what it was made from: the template, the message context and the signer. */
  async prepare(templateId: string, dto: PreviewTemplateDto): Promise<PreparedPreview> {
    const template = await this.templates.get(templateId);
    const client = await this.client(dto.clientId);
    const campaign = dto.campaignId ? await this.campaign(dto.campaignId) : null;
    const edition = dto.editionId
      ? await this.edition(dto.editionId, campaign?.id ?? null)
      : campaign
        ? await this.latestEdition(campaign.id)
        : null;
    const signerId = dto.signerId ?? campaign?.signerId ?? null;
    const signer = signerId ? await this.signers.get(signerId) : null;
    const context = this.contexts.build(client, { campaign, edition, signer });
    return { template, context, signer, rendered: this.renderer.render(template, context) };
  }

  private async client(id: string): Promise<MessageClient> {
    // link_version is not on the Client entity (yet): read it alongside, in the same query.
    const { entities, raw } = await this.clients
      .createQueryBuilder('c')
      .leftJoinAndSelect('c.owner', 'owner')
      .addSelect('c.link_version', 'link_version')
      .where('c.id = :id', { id })
      .getRawAndEntities<{ link_version: number }>();
    if (!entities[0]) throw new NotFoundException('Client', id);
    return { ...entities[0], linkVersion: Number(raw[0].link_version) };
  }

  private async campaign(id: string): Promise<CampaignRow> {
    const [row] = await this.dataSource.query<CampaignRow[]>(
      `SELECT id, name, kind, topic_key AS "topicKey", signer_id AS "signerId" FROM campaigns WHERE id = $1`,
      [id],
    );
    if (!row) throw new NotFoundException('Campaign', id);
    return row;
  }

  private async edition(id: string, campaignId: string | null): Promise<EditionRow> {
    const [row] = await this.dataSource.query<EditionRow[]>(`${EDITION_SELECT} WHERE id = $1`, [id]);
    if (!row) throw new NotFoundException('Edition', id);
    if (campaignId && row.campaignId !== campaignId) {
      throw new ValidationException('The edition belongs to another campaign', [
        { field: 'editionId', messages: ['editionId must be an edition of the campaign'] },
      ]);
    }
    return row;
  }

  // The newest period's edition: period keys of one campaign sort in time (2026-11, 2026-Q4, ISO times).
  private async latestEdition(campaignId: string): Promise<EditionRow | null> {
    const [row] = await this.dataSource.query<EditionRow[]>(
      `${EDITION_SELECT} WHERE campaign_id = $1 ORDER BY period_key DESC, created_at DESC LIMIT 1`,
      [campaignId],
    );
    return row ?? null;
  }
}

const EDITION_SELECT = `
  SELECT id, campaign_id AS "campaignId", subject_ru AS "subjectRu", subject_en AS "subjectEn", blocks,
         updated_at AS "updatedAt"
    FROM editions`;
