import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import { Channel, ConflictException, Locale, NotFoundException } from '@touchbase/core';
import { CreateTemplateDto, ListTemplatesQueryDto, UpdateTemplateDto } from './dto/template.dto';
import { Template } from './entities/template.entity';
import { MessageContext } from './message-context';
import { MessageContextBuilder } from './message-context.builder';
import { sampleMessage } from './sample-message';
import { TemplateProblem, TemplateRenderer, TemplateSource } from './template-renderer';

const OTHER_LOCALE: Record<Locale, Locale> = { [Locale.Ru]: Locale.En, [Locale.En]: Locale.Ru };

@Injectable()
export class TemplatesService {
  private readonly samples = new Map<Locale, MessageContext>();

  constructor(
    @InjectRepository(Template) private readonly templates: Repository<Template>,
    private readonly dataSource: DataSource,
    private readonly renderer: TemplateRenderer,
    private readonly contexts: MessageContextBuilder,
  ) {}

  list(filter: ListTemplatesQueryDto = {}): Promise<Template[]> {
    const where: FindOptionsWhere<Template> = {};
    if (filter.name) where.name = filter.name;
    if (filter.channel) where.channel = filter.channel;
    if (filter.locale) where.locale = filter.locale;
    return this.templates.find({ where, order: { name: 'ASC', channel: 'ASC', locale: 'ASC' } });
  }

  async get(id: string): Promise<Template> {
    const template = await this.templates.findOneBy({ id });
    if (!template) throw new NotFoundException('Template', id);
    return template;
  }

  /** The template a campaign names for a channel, in the client's locale or else the other one. */
  async resolve(name: string, channel: Channel, locale: Locale): Promise<Template> {
    const found = await this.templates.find({ where: { name, channel } });
    const template =
      found.find((t) => t.locale === locale) ?? found.find((t) => t.locale === OTHER_LOCALE[locale]);
    if (!template) throw new NotFoundException('Template', `${name} (${channel})`);
    return template;
  }

  async create(dto: CreateTemplateDto): Promise<Template> {
    const source = { channel: dto.channel, subject: dto.subject ?? null, body: dto.body };
    this.validate(source, dto.locale);
    const { name, channel, locale } = dto;
    if (await this.templates.existsBy({ name, channel, locale })) {
      throw new ConflictException(
        `Template ${name} (${channel}, ${locale}) already exists; change it instead`,
        {
          name,
          channel,
          locale,
        },
      );
    }
    return this.templates.save(
      this.templates.create({ ...source, name, locale, description: dto.description ?? '', builtin: false }),
    );
  }

  async update(id: string, dto: UpdateTemplateDto): Promise<Template> {
    const template = await this.get(id);
    const next = {
      channel: template.channel,
      subject: dto.subject !== undefined ? dto.subject : template.subject,
      body: dto.body ?? template.body,
    };
    this.validate(next, template.locale);
    // Name, channel and locale stay: campaigns refer to templates by name.
    Object.assign(template, { subject: next.subject, body: next.body });
    if (dto.description !== undefined) template.description = dto.description;
    return this.templates.save(template);
  }

  async remove(id: string): Promise<void> {
    const template = await this.get(id);
    const label = `${template.name} (${template.channel}, ${template.locale})`;
    if (template.builtin) {
      throw new ConflictException(`Template ${label} is built in; edit it instead`, { id, builtin: true });
    }
    const campaigns = await this.usedBy(template.name, template.channel);
    if (campaigns.length > 0) {
      throw new ConflictException(
        `Template ${label} is used by ${campaigns.map((c) => `"${c.name}"`).join(', ')}; change those campaigns first`,
        { id, campaigns },
      );
    }
    await this.templates.delete({ id });
  }

  /**
   * Before a template is stored: syntax, helpers, raw output (TemplateRenderer.check), then a render
   * against a complete sample message, so an unknown variable is refused now, not when sending.
   */
  validate(source: TemplateSource, locale: Locale): void {
    this.renderer.check(source);
    this.renderer.render(source, this.sampleContext(locale));
  }

  /** Every problem of an unsaved template at once, located (for the editor); throws nothing. */
  diagnose(source: TemplateSource, locale: Locale): TemplateProblem[] {
    return this.renderer.diagnose(source, this.sampleContext(locale));
  }

  /** A complete, realistic context (every optional object present): for validation and the variable list. */
  sampleContext(locale: Locale): MessageContext {
    let context = this.samples.get(locale);
    if (!context) {
      const sample = sampleMessage(locale);
      context = this.contexts.build(sample.client, sample.options);
      this.samples.set(locale, context);
    }
    return context;
  }

  /** Campaigns (not archived) naming the template for the channel, in campaigns.templates (jsonb). */
  private usedBy(name: string, channel: Channel): Promise<{ id: string; name: string }[]> {
    return this.dataSource.query(
      `SELECT id, name FROM campaigns WHERE templates ->> $1 = $2 AND status <> 'archived' ORDER BY name`,
      [channel, name],
    );
  }
}
