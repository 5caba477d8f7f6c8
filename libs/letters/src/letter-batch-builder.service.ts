import * as fs from 'node:fs';
import * as path from 'node:path';
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { attachLetters, lockRun, RunStatus } from '@touchbase/runs';
import { BrandingService } from '@touchbase/templates';
import { letterFonts, LetterFonts } from './letter-fonts';
import { LetterInput, LetterPdfResult, LetterPdfWriter } from './letter-pdf.writer';
import { LetterSnapshot } from './letter-snapshot';
import { batchFileName } from './letter-file-name';
import {
  BATCH_BUILD_ERROR_SQL,
  BATCH_FAILED_SQL,
  BATCH_READY_SQL,
  BUILDING_BATCHES_SQL,
  CREATE_BATCH_SQL,
  DECLARE_BATCH_LETTERS_SQL,
  FETCH_BATCH_LETTERS_SQL,
  LETTERS_PENDING_SQL,
  LOCK_BATCH_FOR_BUILD_SQL,
  OPEN_BATCH_SQL,
  SIGNATURE_SQL,
} from './letters.sql';

// Letters read and laid out at a time: memory holds one page of rows, never the batch.
const PAGE_SIZE = 200;
// Queued letters due this soon (retries after a transient error) still belong to the batch.
const PENDING_HORIZON_S = 3600;
const SHUTDOWN_WAIT_MS = 25_000;

export interface AttachItem {
  id: string;
  claimToken: string;
  letter: LetterSnapshot;
}

interface BatchToBuild {
  id: string;
  run_id: string;
  run_status: string;
  period_key: string;
  campaign_name: string | null;
}

/**
 * Letter batches on the worker side. Handed-over letters are attached to their run's building batch
 * (one per run: the run's row lock serialises workers); once the run has no letters left to
 * hand over, one process builds the batch's PDF (the batch row stays locked while it does) and the
 * batch becomes ready. A sweep retries what a crash or an error left building.
 */
@Injectable()
export class LetterBatchBuilderService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('LetterBatches');
  private fonts!: LetterFonts;
  // Per batch: the build check in progress, and whether another is already waiting behind it.
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waiting = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly branding: BrandingService,
  ) {}

  onModuleInit(): void {
    // Fail at start, not at the first batch, when the fonts are missing.
    this.fonts = letterFonts();
  }

  async beforeApplicationShutdown(): Promise<void> {
    const timer = new Promise((r) => setTimeout(r, SHUTDOWN_WAIT_MS).unref());
    await Promise.race([this.idle(), timer]);
  }

  /** Attaches claimed letters of one run to its building batch; returns the batch and the ids attached. */
  async attach(runId: string, items: AttachItem[]): Promise<{ batchId: string; attached: Set<string> }> {
    return this.dataSource.transaction(async (m) => {
      // The run's row first, as cancelling the run locks it: the two wait for each other, no deadlock.
      await lockRun(m, runId);
      const [open]: { id: string }[] = await m.query(OPEN_BATCH_SQL, [runId]);
      const batchId = open?.id ?? ((await m.query(CREATE_BATCH_SQL, [runId])) as { id: string }[])[0].id;
      const rows = await attachLetters(m, batchId, {
        ids: items.map((i) => i.id),
        tokens: items.map((i) => i.claimToken),
        metas: items.map((i) => JSON.stringify({ letter: i.letter, letterBatchId: batchId })),
      });
      return { batchId, attached: new Set(rows.map((r) => r.id)) };
    });
  }

  /** Checks the batch in the background (builds it when complete); at most one check waits per batch. */
  schedule(batchId: string): void {
    if (this.waiting.has(batchId)) return;
    this.waiting.add(batchId);
    const previous = this.chains.get(batchId) ?? Promise.resolve();
    const next = previous.then(async () => {
      this.waiting.delete(batchId);
      try {
        await this.buildIfComplete(batchId);
      } catch {
        // Logged and recorded by buildIfComplete; the sweep tries again.
      }
    });
    this.chains.set(batchId, next);
    void next.finally(() => {
      if (this.chains.get(batchId) === next) this.chains.delete(batchId);
    });
  }

  /** Resolves when the checks scheduled so far in this process are done. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  /** Every building batch gets a check: for builds a crash interrupted, runs cancelled, late plans. */
  async sweep(): Promise<void> {
    const rows: { id: string }[] = await this.dataSource.query(BUILDING_BATCHES_SQL);
    for (const row of rows) this.schedule(row.id);
    await this.idle();
  }

  /**
   * Builds the batch's PDF if the batch is still building, nobody else is building it, its run is
   * planned and no letter of the run is still on its way. Returns what was built, or null.
   */
  async buildIfComplete(batchId: string): Promise<LetterPdfResult | null> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const [batch]: BatchToBuild[] = await m.query(LOCK_BATCH_FOR_BUILD_SQL, [batchId]);
        if (!batch || batch.run_status === RunStatus.Planned || batch.run_status === RunStatus.Planning)
          return null;
        const [{ pending }]: { pending: boolean }[] = await m.query(LETTERS_PENDING_SQL, [
          batch.run_id,
          PENDING_HORIZON_S,
        ]);
        if (pending) return null;
        return this.build(m, batch);
      });
    } catch (e) {
      const message = `The PDF could not be made: ${(e as Error).message}`.slice(0, 2000);
      this.logger.error(`Letter batch ${batchId}: ${message}`, (e as Error).stack);
      await this.dataSource.query(BATCH_BUILD_ERROR_SQL, [batchId, message]).catch(() => undefined);
      throw e;
    }
  }

  private async build(m: EntityManager, batch: BatchToBuild): Promise<LetterPdfResult | null> {
    const started = Date.now();
    const dir = this.config.dispatch.lettersDir;
    fs.mkdirSync(dir, { recursive: true });
    const name = batchFileName(batch.campaign_name ?? 'letters', batch.period_key, batch.id);
    const file = path.join(dir, name);
    // Written aside and renamed when complete: a crash never leaves a half file under the real name.
    const partial = `${file}.partial`;
    const writer = new LetterPdfWriter(
      partial,
      { ...this.config.company, name: this.branding.current.name, nameEn: this.branding.current.nameEn },
      this.fonts,
      `${batch.campaign_name ?? ''} ${batch.period_key}`.trim(),
    );
    let result: LetterPdfResult;
    try {
      const signatures = new Map<string, Buffer | null>();
      await m.query(DECLARE_BATCH_LETTERS_SQL, [batch.run_id, batch.id]);
      for (;;) {
        const rows: { id: string; letter: LetterSnapshot | null }[] = await m.query(
          FETCH_BATCH_LETTERS_SQL(PAGE_SIZE),
        );
        if (rows.length === 0) break;
        for (const row of rows) {
          if (!row.letter) {
            this.logger.warn(`Delivery ${row.id} in letter batch ${batch.id} has no letter; left out`);
            continue;
          }
          writer.add(await this.input(m, row.id, row.letter, signatures));
        }
        await writer.drain();
      }
      result = await writer.end();
    } catch (e) {
      writer.abort();
      fs.rmSync(partial, { force: true });
      throw e;
    }
    if (result.letters === 0) {
      fs.rmSync(partial, { force: true });
      await m.query(BATCH_FAILED_SQL, [batch.id, 'The batch has no letters to print']);
      return null;
    }
    fs.renameSync(partial, file);
    await m.query(BATCH_READY_SQL, [batch.id, result.letters, result.pages, file, result.bytes]);
    this.logger.log(
      `Letter batch ${batch.id} ready: ${result.letters} letters, ${result.pages} pages, ` +
        `${Math.round(result.bytes / 1024)} KB in ${Date.now() - started} ms (${file})`,
    );
    return result;
  }

  private async input(
    m: EntityManager,
    id: string,
    letter: LetterSnapshot,
    signatures: Map<string, Buffer | null>,
  ): Promise<LetterInput> {
    const signerId = letter.signer?.hasSignature ? letter.signer.id : null;
    if (signerId && !signatures.has(signerId)) {
      const [row]: { signature_image: Buffer }[] = await m.query(SIGNATURE_SQL, [signerId]);
      signatures.set(signerId, row?.signature_image ?? null);
    }
    const data = signerId ? signatures.get(signerId) : null;
    return { reference: id, letter, signature: signerId && data ? { key: signerId, data } : null };
  }
}
