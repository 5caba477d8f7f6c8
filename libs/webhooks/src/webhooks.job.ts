import { Injectable, Logger, OnApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@touchbase/config';
import { WebhookDeliveryService } from './webhook-delivery.service';

/** Delivers webhooks in the worker: polls, and goes on at once while batches come back full. */
@Injectable()
export class WebhooksJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly delivery: WebhookDeliveryService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => this.schedule());
    }, this.config.webhooks.pollMs);
  }

  private async pass(): Promise<void> {
    try {
      while (!this.stopped && (await this.delivery.deliverAll(() => this.stopped)) > 0);
    } catch (e) {
      // The database may be restarting; the next tick tries again (claims expire by their lease).
      this.logger.error(`Delivering webhooks failed: ${(e as Error).message}`, (e as Error).stack);
    }
  }
}
