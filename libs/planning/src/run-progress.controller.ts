import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  MessageEvent,
  Param,
  ParseUUIDPipe,
  Sse,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { defer, Observable, switchMap, takeWhile, timer, map } from 'rxjs';
import { AnyStaff, isUuid, NotFoundException, ValidationException } from '@touchbase/core';
import { DataSource } from 'typeorm';
import { Run } from '@touchbase/runs';
import { ApiErrors } from '@touchbase/http';
import { RunProgressDto } from './dto/run-progress.dto';
import { RunProgressService } from './run-progress.service';

/** How often the event stream sends a run's progress. */
export const RUN_PROGRESS_INTERVAL_MS = 1000;

/**
 * An event stream's errors come after its headers, as an event; so the run is looked up here, before
 * the stream, for a plain 400 or 404.
 */
@Injectable()
export class RunExistsGuard implements CanActivate {
  constructor(private readonly dataSource: DataSource) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const id = context.switchToHttp().getRequest<{ params: { id?: string } }>().params.id ?? '';
    if (!isUuid(id)) {
      throw new ValidationException('The run id is invalid', [
        { field: 'id', messages: ['id must be a UUID'] },
      ]);
    }
    if (!(await this.dataSource.getRepository(Run).existsBy({ id }))) throw new NotFoundException('Run', id);
    return true;
  }
}

@ApiTags('runs')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403, 404)
@Controller('api/v1/runs')
export class RunProgressController {
  constructor(private readonly progress: RunProgressService) {}

  @Get(':id/progress')
  @AnyStaff()
  @ApiOperation({ summary: "A run's deliveries by status now, the total and the share done" })
  @ApiOkResponse({ type: RunProgressDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<RunProgressDto> {
    return this.progress.progress(id);
  }

  @Sse(':id/events')
  @AnyStaff()
  @UseGuards(RunExistsGuard)
  @ApiOperation({
    summary: "A run's progress as server-sent events, every second until the run is over",
    description:
      'Each event is a `progress` event whose data is the JSON of `GET /api/v1/runs/{id}/progress`. ' +
      'The first comes at once; the last is the one with `finished: true` (completed, cancelled, failed ' +
      'or missed), after which the stream ends. An unknown run is a 404 before any event.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ type: RunProgressDto, description: 'text/event-stream of progress events' })
  events(@Param('id') id: string): Observable<MessageEvent> {
    let sequence = 0;
    return timer(0, RUN_PROGRESS_INTERVAL_MS).pipe(
      // switchMap: a slow count is dropped for the next tick rather than queued behind it.
      switchMap(() => defer(() => this.progress.progress(id))),
      takeWhile((p) => !p.finished, true),
      map((p) => ({ type: 'progress', id: String(++sequence), data: p })),
    );
  }
}
