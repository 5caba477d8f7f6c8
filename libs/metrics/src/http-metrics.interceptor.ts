import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable, tap } from 'rxjs';
import { MetricsService } from './metrics.service';

/** Counts and times every routed request, labelled by route pattern (not raw URL: no ids, no tokens). */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const route = (request.route as { path?: string } | undefined)?.path ?? 'unknown';
    const end = this.metrics.httpDuration.startTimer({ method: request.method, route });
    const record = (status: number) => {
      end();
      this.metrics.httpRequests.inc({ method: request.method, route, status: String(status) });
    };
    return next.handle().pipe(
      tap({
        next: () => record(http.getResponse<Response>().statusCode),
        error: (e: unknown) => record(e instanceof HttpException ? e.getStatus() : 500),
      }),
    );
  }
}
