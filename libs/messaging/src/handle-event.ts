import { AnyEvent, EVENT_TYPES, EventType, RawMessage } from '@ct/contracts';
import { applyDecorators, Catch, RpcExceptionFilter, UseFilters } from '@nestjs/common';
import { BaseRpcContext, EventPattern } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';

/** Separates topic and event type in a handler's pattern. */
export const SEP = '#';

export function eventPattern(type: EventType): string {
  return `${EVENT_TYPES[type].topic}${SEP}${type}`;
}

/**
 * Marks a handler for one event type. The handler runs in one database transaction together with
 * the record of the event id (a redelivery is skipped) and any outbox rows it adds.
 * With `batch: true` the handler gets every valid event of a fetched batch as an array, outside
 * the inbox (it must be idempotent by the events' own keys), and may return the events it rejects.
 */
export function HandleEvent(type: EventType, opts: { batch?: boolean } = {}) {
  return applyDecorators(
    EventPattern(eventPattern(type), { batch: opts.batch === true }),
    // Applied per handler: a global filter on a hybrid app's microservice is not consulted.
    UseFilters(new RethrowRpcExceptions()),
  );
}

/** What a batch handler returns for the events it cannot ever process: they are dead-lettered. */
export interface BatchOutcome {
  rejected?: { event: AnyEvent; reason: string; fields?: { field: string; problems: string[] }[] }[];
}

export class KafkaEventContext extends BaseRpcContext<[RawMessage, { partition: number; offset: string }]> {
  get raw(): RawMessage {
    return this.args[0];
  }
  get partition(): number {
    return this.args[1].partition;
  }
  get offset(): string {
    return this.args[1].offset;
  }
}

/** Lets handler errors reach the transport unchanged (Nest would otherwise swallow them into a log line). */
@Catch()
export class RethrowRpcExceptions implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
