import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import {
  Channel,
  ConflictException,
  decodeCursor,
  DomainException,
  encodeCursor,
  ErrorCode,
  NotFoundException,
  Page,
  StaffRole,
  ValidationException,
} from '@touchbase/core';
import { ContactFlag, flagContact, markContactVerified, markTouched } from '@touchbase/clients';
import { HolidayCalendarService } from '@touchbase/campaigns';
import { FrequencyPolicyService } from '@touchbase/planning';
import { completeRunsIfDone, DeliveryReason, DeliveryStatus, settleHandedOver } from '@touchbase/runs';
import { StaffMember } from '@touchbase/staff';
import { emitSelect, WebhookEventType } from '@touchbase/webhooks';
import { IS_VERIFICATION_CAMPAIGN_SQL, NEXT_CALL_SLOT_SQL, TASK_SELECT } from './call-tasks.sql';
import {
  CallTaskDue,
  CallTaskOwnerQueryDto,
  CallTaskRow,
  ListCallTasksQueryDto,
  RecordCallOutcomeDto,
} from './dto/call-task.dto';
import { CallNote, CallOutcome, CallTaskStatus } from './entities/call-task.entity';

// How far ahead a client may ask to be called back.
const MAX_CALLBACK_DAYS = 365;

interface LockedTask {
  id: string;
  delivery_id: string;
  client_id: string;
  campaign_id: string;
  owner_id: string | null;
  status: CallTaskStatus;
  attempts: number;
  due_at: Date;
}

/**
 * Call tasks as people work them: lists (own tasks by default for sales ops), and outcomes, which
 * settle the delivery behind the task: reached or declined is a touch (sent), a wrong number or too
 * many unanswered calls a failure; an unanswered call moves the task to the next business slot.
 */
/**
 * The task's run, locked before the task: cancelling a run locks the run, then its deliveries and
 * tasks, so taking the run first here means the two wait for each other instead of deadlocking.
 */
const LOCK_RUN_OF_TASK_SQL = `
  SELECT 1 FROM runs
   WHERE id = (SELECT d.run_id FROM call_tasks t JOIN deliveries d ON d.id = t.delivery_id WHERE t.id = $1)
     FOR UPDATE`;

/** One owner's open call tasks (owner null: the unowned queue). */
export interface OwnerLoadRow {
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  owner_active: boolean | null;
  open: number;
  today: number;
  overdue: number;
  next_due_at: Date;
}

@Injectable()
export class CallTasksService {
  private readonly logger = new Logger('CallTasks');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly policies: FrequencyPolicyService,
    private readonly holidays: HolidayCalendarService,
  ) {}

  get maxAttempts(): number {
    return this.config.dispatch.callMaxAttempts;
  }

  async list(query: ListCallTasksQueryDto, staff: StaffMember, now = new Date()): Promise<Page<CallTaskRow>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (value: unknown) => `$${params.push(value)}`;
    this.ownerFilter(query.owner, staff, where, add);
    if (query.status) where.push(`t.status = ${add(query.status)}`);
    if (query.due === CallTaskDue.Overdue) {
      where.push(`t.status = 'open' AND t.due_at < ${add(now)}`);
    } else if (query.due === CallTaskDue.Today) {
      const today = DateTime.fromJSDate(now, { zone: this.config.workspace.timeZone }).startOf('day');
      where.push(
        `t.due_at >= ${add(today.toJSDate())} AND t.due_at < ${add(today.plus({ days: 1 }).toJSDate())}`,
      );
    } else if (query.due === CallTaskDue.Upcoming) {
      where.push(`t.due_at >= ${add(now)}`);
    }
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      if (typeof at !== 'string' || typeof id !== 'string') throw invalidCursor();
      where.push(`(t.due_at, t.id) > (${add(at)}::timestamptz, ${add(id)}::uuid)`);
    }
    const limit = query.limit ?? 50;
    const rows: CallTaskRow[] = await this.dataSource.query(
      `${TASK_SELECT}
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY t.due_at, t.id
        LIMIT ${add(limit + 1)}`,
      params,
    );
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor([last.due_key, last.id]) : null,
    };
  }

  /**
   * How many open tasks are due today (in the workspace zone) and how many are past due, among the
   * tasks `staff` sees by default (a sales-ops member: their own; an admin: all) — what
   * `?due=today&status=open` and `/overdue` list.
   */
  async dueCounts(staff: StaffMember, now = new Date()): Promise<{ today: number; overdue: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (value: unknown) => `$${params.push(value)}`;
    this.ownerFilter(undefined, staff, where, add);
    const [row]: { today: number; overdue: number }[] = await this.dataSource.query(
      `SELECT ${this.dueCountColumns(now, add)}
         FROM call_tasks t
        WHERE t.status = ${add(CallTaskStatus.Open)} ${where.length ? `AND ${where.join(' AND ')}` : ''}`,
      params,
    );
    return row;
  }

  /**
   * The team's load: per owner (and the unowned queue, owner null), the open tasks, how many are due
   * today and how many are past due, and when the next one falls due. Busiest first.
   */
  async loadByOwner(now = new Date()): Promise<OwnerLoadRow[]> {
    const params: unknown[] = [];
    const add = (value: unknown) => `$${params.push(value)}`;
    return this.dataSource.query(
      `SELECT t.owner_id, s.name AS owner_name, s.email AS owner_email, s.active AS owner_active, count(*)::int AS open,
              ${this.dueCountColumns(now, add)}, min(t.due_at) AS next_due_at
         FROM call_tasks t
         LEFT JOIN staff_members s ON s.id = t.owner_id
        WHERE t.status = ${add(CallTaskStatus.Open)}
        GROUP BY t.owner_id, s.name, s.email, s.active
        ORDER BY overdue DESC, open DESC, s.name NULLS FIRST`,
      params,
    );
  }

  /** `today` (due today in the workspace zone) and `overdue` (past due) counts of open tasks `t`. */
  private dueCountColumns(now: Date, add: (value: unknown) => string): string {
    const today = DateTime.fromJSDate(now, { zone: this.config.workspace.timeZone }).startOf('day');
    return `count(*) FILTER (WHERE t.due_at >= ${add(today.toJSDate())}
                                 AND t.due_at < ${add(today.plus({ days: 1 }).toJSDate())})::int AS today,
              count(*) FILTER (WHERE t.due_at < ${add(now)})::int AS overdue`;
  }

  /** Open tasks past due, oldest first. */
  overdue(query: CallTaskOwnerQueryDto, staff: StaffMember, now = new Date()): Promise<Page<CallTaskRow>> {
    return this.list({ ...query, due: CallTaskDue.Overdue }, staff, now);
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<CallTaskRow> {
    const [row]: CallTaskRow[] = await manager.query(`${TASK_SELECT} WHERE t.id = $1`, [id]);
    if (!row) throw new NotFoundException('Call task', id);
    return row;
  }

  /**
   * Records what came of a call, by the task's owner (or anyone in sales ops for an unassigned task)
   * or an admin. One transaction: the task, its delivery, the client's flags and last touch.
   */
  async recordOutcome(
    id: string,
    dto: RecordCallOutcomeDto,
    staff: StaffMember,
    now = new Date(),
  ): Promise<CallTaskRow> {
    const callbackAt = this.callbackTime(dto, now);
    return this.dataSource.transaction(async (m) => {
      await m.query(LOCK_RUN_OF_TASK_SQL, [id]);
      const [task]: LockedTask[] = await m.query(
        `SELECT id, delivery_id::text, client_id, campaign_id, owner_id, status, attempts, due_at
           FROM call_tasks WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!task) throw new NotFoundException('Call task', id);
      this.assertMayWork(task, staff);
      if (task.status !== CallTaskStatus.Open) {
        throw new ConflictException(
          `The call task is ${task.status}: outcomes are recorded on open tasks only`,
          {
            id,
            status: task.status,
          },
        );
      }
      const note: CallNote = {
        at: now.toISOString(),
        by: staff.id,
        outcome: dto.outcome,
        text: dto.notes?.trim() || null,
      };
      const meta = (attempts: number) => ({
        call: { taskId: task.id, outcome: dto.outcome, attempts, note: note.text, by: staff.id },
      });

      switch (dto.outcome) {
        case CallOutcome.Reached:
        case CallOutcome.Declined:
          // A call that happened is a touch, whatever the client said.
          await this.close(m, task, dto.outcome, note, staff, task.attempts);
          await this.settle(m, task, DeliveryStatus.Sent, null, null, meta(task.attempts));
          if (dto.outcome === CallOutcome.Reached) {
            const [{ verification }] = await m.query(IS_VERIFICATION_CAMPAIGN_SQL, [task.campaign_id]);
            if (verification) await markContactVerified(m, task.client_id);
          }
          break;
        case CallOutcome.WrongNumber:
          await this.close(m, task, dto.outcome, note, staff, task.attempts);
          await this.settle(
            m,
            task,
            DeliveryStatus.Failed,
            DeliveryReason.WrongNumber,
            'The phone number is wrong',
            meta(task.attempts),
          );
          // The number is kept but flagged: planning and dispatch skip calls to it until it is verified.
          await flagContact(m, task.client_id, ContactFlag.PhoneWrong);
          break;
        case CallOutcome.NoAnswer: {
          const attempts = task.attempts + 1;
          if (attempts >= this.maxAttempts) {
            await this.close(m, task, dto.outcome, note, staff, attempts);
            await this.settle(
              m,
              task,
              DeliveryStatus.Failed,
              DeliveryReason.NoAnswer,
              `No answer after ${attempts} calls`,
              meta(attempts),
            );
          } else {
            const next = await this.nextSlot(m, task, now);
            await this.reschedule(m, task, dto.outcome, note, next, attempts);
          }
          break;
        }
        case CallOutcome.CallbackRequested:
          await this.reschedule(m, task, dto.outcome, note, callbackAt!, task.attempts);
          break;
      }
      return this.get(id, m);
    });
  }

  // ── rules ───────────────────────────────────────────────────────────────────

  private ownerFilter(
    owner: string | undefined,
    staff: StaffMember,
    where: string[],
    add: (v: unknown) => string,
  ): void {
    const value = owner?.toLowerCase() ?? (staff.role === StaffRole.Admin ? 'all' : 'me');
    if (value === 'all') return;
    if (value === 'unassigned') where.push('t.owner_id IS NULL');
    else where.push(`t.owner_id = ${add(value === 'me' ? staff.id : value)}`);
  }

  /** The owner works the task; an unassigned one is anyone's in sales ops; admins may do anything. */
  private assertMayWork(task: LockedTask, staff: StaffMember): void {
    if (staff.role === StaffRole.Admin || task.owner_id === staff.id) return;
    if (task.owner_id === null && staff.role === StaffRole.SalesOps) return;
    throw new DomainException(
      ErrorCode.Forbidden,
      "Only the task's owner or an admin may record the outcome of this call",
      { ownerId: task.owner_id },
    );
  }

  private callbackTime(dto: RecordCallOutcomeDto, now: Date): Date | null {
    if (dto.outcome !== CallOutcome.CallbackRequested) {
      if (dto.callbackAt !== undefined) {
        throw new ValidationException('callbackAt is only for the outcome callback-requested', [
          { field: 'callbackAt', messages: ['callbackAt is only for the outcome callback-requested'] },
        ]);
      }
      return null;
    }
    const at = new Date(dto.callbackAt!);
    const problem =
      at.getTime() <= now.getTime()
        ? 'callbackAt must be in the future'
        : at.getTime() > now.getTime() + MAX_CALLBACK_DAYS * 86_400_000
          ? `callbackAt must be within ${MAX_CALLBACK_DAYS} days`
          : null;
    if (problem) throw new ValidationException(problem, [{ field: 'callbackAt', messages: [problem] }]);
    return at;
  }

  private async nextSlot(m: EntityManager, task: LockedTask, now: Date): Promise<Date> {
    const window = (await this.policies.get(m)).sendingWindows[Channel.Call];
    const calendar = await this.holidays.document(m);
    const [row]: { next: Date | null }[] = await m.query(NEXT_CALL_SLOT_SQL, [
      task.client_id,
      now,
      task.due_at,
      this.config.workspace.timeZone,
      window?.start ?? null,
      window?.end ?? null,
      window?.businessDaysOnly ?? false,
      calendar.daysOff,
      calendar.workingDays,
    ]);
    // Quiet hours that leave nothing of the window (changed after planning): a day later, as asked.
    return row.next ?? new Date(now.getTime() + 86_400_000);
  }

  // ── writes ──────────────────────────────────────────────────────────────────

  private async close(
    m: EntityManager,
    task: LockedTask,
    outcome: CallOutcome,
    note: CallNote,
    staff: StaffMember,
    attempts: number,
  ): Promise<void> {
    await m.query(
      `UPDATE call_tasks
          SET status = 'done', outcome = $2, attempts = $3, notes = notes || $4::jsonb,
              completed_at = now(), completed_by = $5, updated_at = now()
        WHERE id = $1`,
      [task.id, outcome, attempts, JSON.stringify([note]), staff.id],
    );
    await this.emitOutcome(m, task, outcome, staff.id);
  }

  private async reschedule(
    m: EntityManager,
    task: LockedTask,
    outcome: CallOutcome,
    note: CallNote,
    dueAt: Date,
    attempts: number,
  ): Promise<void> {
    await m.query(
      `UPDATE call_tasks
          SET outcome = $2, attempts = $3, notes = notes || $4::jsonb, due_at = $5, updated_at = now()
        WHERE id = $1`,
      [task.id, outcome, attempts, JSON.stringify([note]), dueAt],
    );
    await this.emitOutcome(m, task, outcome, note.by);
  }

  /** call.outcome, in the outcome's transaction: after the task's row is written (done or due again). */
  private async emitOutcome(
    m: EntityManager,
    task: LockedTask,
    outcome: CallOutcome,
    staffId: string,
  ): Promise<void> {
    await emitSelect(
      m,
      WebhookEventType.CallOutcome,
      `SELECT t.client_id,
              jsonb_build_object('callTaskId', t.id, 'deliveryId', t.delivery_id::text, 'clientId', t.client_id,
                                 'externalRef', c.external_ref, 'runId', d.run_id, 'campaignId', t.campaign_id,
                                 'channel', d.channel, 'outcome', $2::text, 'status', t.status,
                                 'attempts', t.attempts, 'nextCallAt', CASE WHEN t.status = $4 THEN t.due_at END,
                                 'recordedBy', $3::uuid, 'recordedAt', now()) AS payload
         FROM call_tasks t
         JOIN deliveries d ON d.id = t.delivery_id
         JOIN clients c ON c.id = t.client_id
        WHERE t.id = $1`,
      [task.id, outcome, staffId, CallTaskStatus.Open],
    );
  }

  private async settle(
    m: EntityManager,
    task: LockedTask,
    status: DeliveryStatus.Sent | DeliveryStatus.Failed,
    reason: string | null,
    error: string | null,
    meta: Record<string, unknown>,
  ): Promise<void> {
    const delivery = await settleHandedOver(m, task.delivery_id, { status, reason, error, meta });
    if (!delivery) {
      this.logger.warn(
        `Delivery ${task.delivery_id} of call task ${task.id} was no longer sending; left as it is`,
      );
      return;
    }
    if (delivery.status === DeliveryStatus.Sent && delivery.counts_as_touch)
      await markTouched(m, [delivery.client_id]);
    await completeRunsIfDone(m, [delivery.run_id]);
  }
}

function invalidCursor(): ValidationException {
  return new ValidationException('The cursor is invalid; use nextCursor from the previous page', [
    { field: 'cursor', messages: ['cursor is not a cursor this list returned'] },
  ]);
}
