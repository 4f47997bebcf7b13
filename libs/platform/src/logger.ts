import { LoggerService } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { Logger } from 'pino';
import type { LogLevel } from './env';
import { redactMessage, REDACT_PATHS, safeError } from './redaction';

/** What every log line written inside a request or event handler carries. */
export interface LogContext {
  correlationId?: string;
  eventId?: string;
  requestId?: string;
}

const context = new AsyncLocalStorage<LogContext>();

export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return context.run({ ...context.getStore(), ...ctx }, fn);
}

export function currentLogContext(): LogContext | undefined {
  return context.getStore();
}

/**
 * JSON logs on stdout (one object a line) with the service name and the correlation id of the
 * request or event being handled, so one flow can be followed across services with grep.
 * Personal data (names, phone numbers, ID numbers) is never passed to the logger; should it be
 * anyway, known personal fields are censored and errors are logged without the values they carry.
 */
export class JsonLogger implements LoggerService {
  readonly pino: Logger;

  constructor(service: string, level: LogLevel = 'info', destination?: pino.DestinationStream) {
    this.pino = pino(
      {
        level,
        base: { service },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => ({ ...context.getStore() }),
        // Errors without the values they carry (a failed query's parameters), known personal
        // fields censored wherever a log object holds them.
        serializers: { err: safeError, error: safeError },
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      },
      destination ?? pino.destination({ fd: 1, sync: false }),
    );
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, params: unknown[]) {
    const ctx = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = ctx ? { context: ctx } : {};
    if (level === 'error' && typeof params[0] === 'string' && params[0].includes('\n'))
      fields.stack = redactMessage(params.shift() as string);
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, redactMessage(message.message));
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...message });
    } else {
      this.pino[level](fields, String(message));
    }
  }

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }
}
