import { currentLogContext, withLogContext } from '@ct/platform';
import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { ServiceMetrics } from './service-metrics';

const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_ID = /^[\w.:@-]{1,128}$/;

/**
 * Every HTTP request: a correlation id (the caller's x-correlation-id when it is a safe token,
 * else a new UUID) returned in the response header and put in the log context, so log lines and
 * the events the request adds to the outbox carry it; and its latency in the histogram.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(private readonly metrics: ServiceMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const given = req.headers[CORRELATION_HEADER];
    const correlationId = typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
    res.setHeader(CORRELATION_HEADER, correlationId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      this.metrics.http.observe(
        { method: req.method, route, status: String(res.statusCode) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    withLogContext({ correlationId, requestId: randomUUID() }, () => next());
  }
}

/** The correlation id of the request or event being handled, if any. */
export function currentCorrelationId(): string | undefined {
  return currentLogContext()?.correlationId;
}
