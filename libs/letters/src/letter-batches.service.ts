import * as fs from 'node:fs';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import {
  Channel,
  ConflictException,
  decodeCursor,
  encodeCursor,
  NotFoundException,
  Page,
  ValidationException,
} from '@touchbase/core';
import { ContactFlag, flagContact, markTouchedFrom } from '@touchbase/clients';
import {
  completeRunsIfDone,
  DeliveryStatus,
  MAILED_LETTER_CLIENTS_SQL,
  markLettersMailed,
  mergeDeliveryMeta,
} from '@touchbase/runs';
import { StaffMember } from '@touchbase/staff';
import { emitSelect, WebhookEventType } from '@touchbase/webhooks';
import {
  BatchLetterRow,
  batchDownloadName,
  LetterBatchRow,
  ListLetterBatchesQueryDto,
  MarkReturnedDto,
} from './dto/letter-batch.dto';
import { LetterBatchStatus } from './entities/letter-batch.entity';
import { BATCH_LETTERS_SQL, BATCH_SELECT, RETURNED_DELIVERY_SQL } from './letters.sql';

/** What letter.mailed and letter.returned say of a letter: `deliveries d` of `clients c`. */
const LETTER_EVENT_PAYLOAD = `jsonb_build_object(
  'deliveryId', d.id::text, 'clientId', d.client_id, 'externalRef', c.external_ref, 'runId', d.run_id,
  'campaignId', d.campaign_id, 'channel', d.channel, 'letterBatchId', d.letter_batch_id, 'status', d.status)`;

export interface ReturnRecord {
  at: string;
  by: string;
  note: string | null;
}

export interface ReturnedLetter {
  deliveryId: string;
  clientId: string;
  clientName: string;
  returned: ReturnRecord;
  contactFlags: string[];
}

interface ReturnedRow {
  id: string;
  channel: Channel | null;
  status: string;
  client_id: string;
  client_name: string;
  returned: ReturnRecord | null;
  batch_status: LetterBatchStatus | null;
}

// PostgreSQL: a row lock NOWAIT could not take.
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Letter batches as people handle them: list, download the PDF, mark a batch mailed (its letters
 * become sent: touches), and record returned mail (the client's address is flagged for verification).
 */
@Injectable()
export class LetterBatchesService {
  private readonly logger = new Logger('LetterBatches');

  constructor(private readonly dataSource: DataSource) {}

  async list(query: ListLetterBatchesQueryDto): Promise<Page<LetterBatchRow>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (value: unknown) => `$${params.push(value)}`;
    if (query.status) where.push(`b.status = ${add(query.status)}`);
    if (query.runId) where.push(`b.run_id = ${add(query.runId)}`);
    if (query.campaignId) where.push(`r.campaign_id = ${add(query.campaignId)}`);
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      if (typeof at !== 'string' || typeof id !== 'string') {
        throw new ValidationException('The cursor is invalid; use nextCursor from the previous page', [
          { field: 'cursor', messages: ['cursor is not a cursor this list returned'] },
        ]);
      }
      where.push(`(b.created_at, b.id) < (${add(at)}::timestamptz, ${add(id)}::uuid)`);
    }
    const limit = query.limit ?? 50;
    const rows: LetterBatchRow[] = await this.dataSource.query(
      `${BATCH_SELECT}
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY b.created_at DESC, b.id DESC
        LIMIT ${add(limit + 1)}`,
      params,
    );
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor([last.created_key, last.id]) : null,
    };
  }

  async get(id: string): Promise<LetterBatchRow> {
    const [row]: LetterBatchRow[] = await this.dataSource.query(`${BATCH_SELECT} WHERE b.id = $1`, [id]);
    if (!row) throw new NotFoundException('Letter batch', id);
    return row;
  }

  /** The letters of a batch, by delivery id, with their returns. */
  async letters(id: string, query: { limit?: number; cursor?: string }): Promise<Page<BatchLetterRow>> {
    await this.get(id);
    let after: string | null = null;
    if (query.cursor) {
      const [last] = decodeCursor(query.cursor, 1);
      if (typeof last !== 'string' || !/^\d{1,18}$/.test(last)) {
        throw new ValidationException('The cursor is invalid; use nextCursor from the previous page', [
          { field: 'cursor', messages: ['cursor is not a cursor this list returned'] },
        ]);
      }
      after = last;
    }
    const limit = query.limit ?? 50;
    const rows: BatchLetterRow[] = await this.dataSource.query(BATCH_LETTERS_SQL, [id, after, limit + 1]);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
  }

  /** The PDF of a ready (or mailed) batch, as a stream from its file. */
  async pdf(id: string): Promise<{ stream: fs.ReadStream; size: number; fileName: string }> {
    const batch = await this.get(id);
    if (batch.status !== LetterBatchStatus.Ready && batch.status !== LetterBatchStatus.Mailed) {
      throw new ConflictException(`The batch is ${batch.status}: its PDF is not made yet`, {
        id,
        status: batch.status,
      });
    }
    const file = batch.file_path;
    const stat = file ? await fs.promises.stat(file).catch(() => null) : null;
    if (!file || !stat) {
      this.logger.error(`The PDF of letter batch ${id} is missing (${file ?? 'no path'})`);
      throw new NotFoundException('PDF of letter batch', id);
    }
    return { stream: fs.createReadStream(file), size: stat.size, fileName: batchDownloadName(batch) };
  }

  /** Printed and posted: every letter of the batch is sent (a touch), and the batch mailed. */
  async markMailed(id: string, staff: StaffMember): Promise<LetterBatchRow> {
    await this.dataSource.transaction(async (m) => {
      // The run before the batch and its deliveries, as cancelling the run takes them: the two wait for
      // each other instead of deadlocking.
      await m.query(
        `SELECT 1 FROM runs WHERE id = (SELECT run_id FROM letter_batches WHERE id = $1) FOR UPDATE`,
        [id],
      );
      let batch: { run_id: string; status: LetterBatchStatus; mailed_at: Date | null } | undefined;
      try {
        // NOWAIT: a batch locked now is being built, which is an answer in itself.
        [batch] = await m.query(
          `SELECT run_id, status, mailed_at FROM letter_batches WHERE id = $1 FOR UPDATE NOWAIT`,
          [id],
        );
      } catch (e) {
        if (
          e instanceof QueryFailedError &&
          (e.driverError as { code?: string }).code === LOCK_NOT_AVAILABLE
        ) {
          throw new ConflictException('The batch is being built: mark it mailed once it is ready', { id });
        }
        throw e;
      }
      if (!batch) throw new NotFoundException('Letter batch', id);
      if (batch.status === LetterBatchStatus.Mailed) {
        throw new ConflictException('The batch is already marked mailed', {
          id,
          mailedAt: batch.mailed_at?.toISOString() ?? null,
        });
      }
      if (batch.status !== LetterBatchStatus.Ready) {
        throw new ConflictException(`The batch is ${batch.status}: only a ready batch can be marked mailed`, {
          id,
          status: batch.status,
        });
      }
      const mailedAt = new Date().toISOString();
      // Set-based: a batch of any size never travels through the process.
      const letters = await markLettersMailed(m, batch.run_id, id, { mailedAt, mailedBy: staff.id });
      await markTouchedFrom(m, MAILED_LETTER_CLIENTS_SQL, [id]);
      await m.query(
        'UPDATE letter_batches SET status = $4, mailed_at = $2, mailed_by = $3, updated_at = now() WHERE id = $1',
        [id, mailedAt, staff.id, LetterBatchStatus.Mailed],
      );
      // letter.mailed for every letter of the batch, in one statement.
      await emitSelect(
        m,
        WebhookEventType.LetterMailed,
        `SELECT d.client_id, ${LETTER_EVENT_PAYLOAD} || jsonb_build_object('mailedAt', $2::timestamptz) AS payload
           FROM deliveries d JOIN clients c ON c.id = d.client_id
          WHERE d.letter_batch_id = $1 AND d.run_id = $3 AND d.status = $4
          ORDER BY d.id`,
        [id, mailedAt, batch.run_id, DeliveryStatus.Sent],
      );
      await completeRunsIfDone(m, [batch.run_id]);
      this.logger.log(`Letter batch ${id} mailed by ${staff.id}: ${letters} letters sent`);
    });
    return this.get(id);
  }

  /**
   * Returned mail: the letter came back undelivered. The client's address is flagged for verification
   * (planning and dispatch send no letters to it until the address changes) and the delivery records
   * the return. Recording the same return again changes nothing.
   */
  async markReturned(deliveryId: string, dto: MarkReturnedDto, staff: StaffMember): Promise<ReturnedLetter> {
    if (!/^\d{1,18}$/.test(deliveryId)) {
      throw new ValidationException('The delivery id is a number', [
        { field: 'id', messages: ['id must be a delivery id (digits)'] },
      ]);
    }
    return this.dataSource.transaction(async (m) => {
      const [d]: ReturnedRow[] = await m.query(RETURNED_DELIVERY_SQL, [deliveryId]);
      if (!d) throw new NotFoundException('Delivery', deliveryId);
      const mailed =
        d.channel === Channel.Letter &&
        (d.status === DeliveryStatus.Sent || d.status === DeliveryStatus.Delivered) &&
        d.batch_status === LetterBatchStatus.Mailed;
      if (!mailed) {
        throw new ConflictException('Only a mailed letter can come back: this delivery is not one', {
          id: deliveryId,
          channel: d.channel,
          status: d.status,
          batchStatus: d.batch_status,
        });
      }
      let returned = d.returned;
      // Recorded once: a repeated call must not flag an address corrected since the first one.
      if (!returned) {
        returned = { at: new Date().toISOString(), by: staff.id, note: dto.note?.trim() || null };
        await mergeDeliveryMeta(m, deliveryId, { returned });
        await flagContact(m, d.client_id, ContactFlag.AddressReturned);
        await emitSelect(
          m,
          WebhookEventType.LetterReturned,
          `SELECT d.client_id, ${LETTER_EVENT_PAYLOAD} || jsonb_build_object(
                    'reason', $2::text, 'returnedAt', $3::timestamptz, 'mailedAt', b.mailed_at) AS payload
             FROM deliveries d JOIN clients c ON c.id = d.client_id
             LEFT JOIN letter_batches b ON b.id = d.letter_batch_id
            WHERE d.id = $1`,
          [deliveryId, ContactFlag.AddressReturned, returned.at],
        );
      }
      const [client]: { contact_flags: string[] }[] = await m.query(
        `SELECT contact_flags FROM clients WHERE id = $1`,
        [d.client_id],
      );
      return {
        deliveryId,
        clientId: d.client_id,
        clientName: d.client_name,
        returned,
        contactFlags: client.contact_flags,
      };
    });
  }
}
