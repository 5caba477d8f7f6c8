import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { NotFoundException } from '@touchbase/core';
import { RunSmsCostDto } from './dto/run-sms-cost.dto';
import { SmsPreviewService, StoredSmsDelivery } from './sms-preview.service';
import { RUN_SMS_TOTALS_SQL, SAMPLE_QUEUED_SMS_SQL } from './sms.sql';

/** Messages rendered to estimate the segments of those still queued. */
export const COST_SAMPLE_SIZE = 50;

interface Totals {
  deliveries: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  accepted: number;
  accepted_segments: number;
}

/**
 * What a run's SMS cost: measured for what was sent (segments recorded at send time), projected for
 * what is still queued by rendering a random sample exactly as dispatch would (same preparation and
 * consent re-check, same template) and extrapolating.
 */
@Injectable()
export class RunSmsCostService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly preview: SmsPreviewService,
    private readonly config: AppConfig,
  ) {}

  async estimate(runId: string): Promise<RunSmsCostDto> {
    const run = await this.dataSource.query(`SELECT 1 FROM runs WHERE id = $1`, [runId]);
    if (run.length === 0) throw new NotFoundException('Run', runId);
    const [t]: Totals[] = await this.dataSource.query(RUN_SMS_TOTALS_SQL, [runId]);
    const perSegment = this.config.sms.segmentCost;
    const sample = t.queued > 0 ? await this.sampleSegments(runId, t.queued) : { sampled: 0, segments: 0 };
    const segmentsPerMessage = sample.sampled > 0 ? sample.segments / sample.sampled : 0;
    const projectedSegments = Math.round(segmentsPerMessage * t.queued);
    const measured = {
      messages: t.accepted,
      segments: t.accepted_segments,
      cost: money(t.accepted_segments * perSegment),
    };
    const projected = {
      messages: t.queued,
      sampled: sample.sampled,
      segmentsPerMessage: Math.round(segmentsPerMessage * 100) / 100,
      segments: projectedSegments,
      cost: money(projectedSegments * perSegment),
    };
    return {
      runId,
      currency: this.config.workspace.currency,
      costPerSegment: perSegment,
      deliveries: t.deliveries,
      queued: t.queued,
      sent: t.sent,
      delivered: t.delivered,
      failed: t.failed,
      segments: measured.segments + projected.segments,
      estimatedCost: money(measured.cost + projected.cost),
      measured,
      projected,
      estimated: t.queued > 0 ? ['segments', 'estimatedCost'] : [],
    };
  }

  /** Renders a random sample of the queued messages; those that would not be sent count 0 segments. */
  private async sampleSegments(
    runId: string,
    queued: number,
  ): Promise<{ sampled: number; segments: number }> {
    // Bernoulli sampling with some headroom: cheap on a large run, and LIMIT stops the scan early.
    const probability = Math.min(1, (COST_SAMPLE_SIZE * 1.5) / queued);
    const rows: StoredSmsDelivery[] = await this.dataSource.query(SAMPLE_QUEUED_SMS_SQL, [
      runId,
      probability,
      COST_SAMPLE_SIZE,
    ]);
    if (rows.length === 0) return { sampled: 0, segments: 0 };
    const composed = await this.preview.compose(rows);
    let segments = 0;
    for (const c of composed.values()) if (c.ok) segments += c.meta.segments;
    return { sampled: rows.length, segments };
  }
}

function money(value: number): number {
  return Math.round(value * 100) / 100;
}
