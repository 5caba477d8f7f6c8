import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import {
  Campaign,
  CampaignsService,
  currentPeriodKey,
  EditionsService,
  occurrencesWithKeys,
  PutEditionDto,
  UpdateCampaignDto,
} from '@touchbase/campaigns';
import { AppConfig } from '@touchbase/config';
import { Channel, sleep } from '@touchbase/core';
import { DispatcherService } from '@touchbase/dispatch';
import { LetterBatchBuilderService } from '@touchbase/letters';
import { RunNowService, SchedulerService } from '@touchbase/scheduler';
import { BrandingService, SignersService } from '@touchbase/templates';
import { DeliveryStatus, sqlValue } from '@touchbase/runs';
import { signaturePng } from './sample-signature';

export interface MonthEvent {
  at: Date;
  campaign: string;
  periodKey: string;
  /** `schedule`: the scheduler found the occurrence; `manual`: run now (the quarter began earlier). */
  trigger: 'schedule' | 'manual';
}

export interface MonthResult {
  from: Date;
  to: Date;
  zone: string;
  /** The month the reports read: the one the simulated month ends in (YYYY-MM). */
  period: string;
  events: MonthEvent[];
}

const CEO_LETTER = 'ceo-quarterly-letter';

/**
 * One month of the playbook on a simulated clock: the programs are activated at the start of the
 * month, the real scheduler ticks at each occurrence (planning with that moment as "now", so quiet
 * hours and caps are those of that day), and the real dispatcher sends what is due after each tick.
 * The month ends now, so what was planned for a past moment is due at once.
 */
@Injectable()
export class DemoMonthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly campaigns: CampaignsService,
    private readonly editions: EditionsService,
    private readonly signers: SignersService,
    private readonly branding: BrandingService,
    private readonly scheduler: SchedulerService,
    private readonly runNow: RunNowService,
    private readonly dispatcher: DispatcherService,
    private readonly letters: LetterBatchBuilderService,
  ) {}

  async run(from: Date, to: Date, onEvent: (e: MonthEvent, index: number, total: number) => void) {
    const zone = this.config.workspace.timeZone;
    const programs = await this.dataSource
      .getRepository(Campaign)
      .createQueryBuilder('c')
      .where('c.playbook_key IS NOT NULL')
      .orderBy('c.name')
      .getMany();
    const events: MonthEvent[] = [];
    for (const c of programs) {
      for (const o of occurrencesWithKeys(c.schedule, c.timeZone, from, to)) {
        events.push({ at: o.at, campaign: c.name, periodKey: o.periodKey, trigger: 'schedule' });
      }
    }
    const ceo = programs.find((c) => c.playbookKey === CEO_LETTER);
    // The quarter began before the month: its CEO letter goes out on the first morning, run by hand.
    if (ceo && !events.some((e) => e.campaign === ceo.name)) {
      const firstMorning = DateTime.fromJSDate(from, { zone })
        .plus({ days: 1 })
        .set({ hour: 10, minute: 0, second: 0, millisecond: 0 })
        .toJSDate();
      const key = currentPeriodKey(ceo.schedule, ceo.timeZone, firstMorning)!;
      events.push({ at: firstMorning, campaign: ceo.name, periodKey: key, trigger: 'manual' });
    }
    events.sort((a, b) => a.at.getTime() - b.at.getTime());

    await this.prepare(programs, events);
    for (const c of programs) await this.campaigns.activate(c.id, from);

    let index = 0;
    for (const event of events) {
      onEvent(event, index++, events.length);
      if (event.trigger === 'manual') {
        await this.runNow.runNow(ceo!.id, { periodKey: event.periodKey }, 'demo', event.at);
      } else {
        await this.scheduler.tick(event.at);
      }
      await this.drain();
      // Tables that grew a lot in one go: fresh statistics keep the planner's plans sensible.
      await this.dataSource.query('ANALYZE deliveries, call_tasks');
    }
    await this.scheduler.tick(to);
    await this.drain();
    await this.letters.idle();
    const period = DateTime.fromJSDate(to, { zone }).toFormat('yyyy-MM');
    return { from, to, zone, period, events } satisfies MonthResult;
  }

  /** What the programs need before they may run: a CEO to sign, and the content of each edition. */
  private async prepare(programs: Campaign[], events: MonthEvent[]): Promise<void> {
    // Stored as the workspace's branding: a server started later on the demo data shows the company too.
    const { name, nameEn } = this.config.company;
    await this.branding.update({ name, nameEn });
    const signer = await this.signers.create({
      name: 'Алексей Воронцов',
      nameEn: 'Alexey Vorontsov',
      title: 'Генеральный директор',
      titleEn: 'Chief Executive Officer',
      email: 'ceo@example.com',
    });
    // Letters by post are signed: a letter without the image would print unsigned.
    await this.signers.setSignature(signer.id, signaturePng());
    for (const c of programs.filter((p) => p.playbookKey === CEO_LETTER)) {
      await this.campaigns.update(c.id, { signerId: signer.id } as UpdateCampaignDto);
    }
    for (const c of programs.filter((p) => p.requiresEdition)) {
      for (const e of events.filter((ev) => ev.campaign === c.name)) {
        await this.editions.put(c.id, e.periodKey, edition(c.playbookKey, e.periodKey));
      }
    }
  }

  /**
   * Lets the dispatcher send everything due: this process's batches, alongside the dispatcher's own
   * loops, until nothing due is queued or held under a lease. Retries wait for their backoff.
   */
  private async drain(): Promise<void> {
    const channels = this.config.dispatch.channels;
    for (;;) {
      await Promise.all(
        channels.map(async (channel: Channel) => {
          while ((await this.dispatcher.dispatchOnce(channel)) > 0) {
            // the next batch
          }
        }),
      );
      const [{ busy }]: { busy: number }[] = await this.dataSource.query(
        `SELECT count(*)::int AS busy FROM deliveries
          WHERE (status = ${sqlValue(DeliveryStatus.Queued)} AND due_at <= now()) OR (status = ${sqlValue(DeliveryStatus.Sending)} AND locked_until IS NOT NULL)`,
      );
      if (busy === 0) return;
      await sleep(100);
    }
  }
}

/** The sample content of an edition, in both languages. */
function edition(program: string | null, key: string): PutEditionDto {
  if (program === CEO_LETTER) {
    return {
      subjectRu: `Письмо генерального директора, ${key}`,
      subjectEn: `A letter from our CEO, ${key}`,
      blocks: [
        // The template thanks the client and invites a reply itself: the edition says what is new.
        {
          type: 'paragraph',
          ru: 'В этом квартале мы открыли склад в Новосибирске и сократили сроки доставки на Урал и в Сибирь до двух дней.',
          en: 'This quarter we opened a warehouse in Novosibirsk and cut delivery to the Urals and Siberia to two days.',
        },
        {
          type: 'paragraph',
          ru: 'В следующем квартале вы сможете следить за каждым заказом в личном кабинете, от склада до двери.',
          en: 'Next quarter you will be able to follow every order in your personal account, from the warehouse to your door.',
        },
      ],
    } as PutEditionDto;
  }
  return {
    subjectRu: `Новости месяца, ${key}`,
    subjectEn: `News of the month, ${key}`,
    blocks: [
      { type: 'heading', ru: 'Что нового', en: 'What is new' },
      {
        type: 'paragraph',
        ru: 'Новая линейка товаров для дома, бесплатная доставка от 5 000 ₽ и расширенные часы работы поддержки.',
        en: 'A new range of home goods, free delivery from 5,000 RUB and longer support hours.',
      },
      { type: 'link', ru: 'Подробнее на сайте', en: 'More on our website', url: 'https://example.com/news' },
    ],
  } as PutEditionDto;
}
