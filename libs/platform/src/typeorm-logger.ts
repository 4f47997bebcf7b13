import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLogger, QueryRunner } from 'typeorm';
import { redactMessage, redactQuery } from './redaction';

/**
 * TypeORM's logger for every service: failing queries and schema/migration messages go to the
 * service's JSON log, the query text without its parameter values (the default logger prints
 * them, and they hold names, phone numbers and ID numbers). Successful queries are not logged.
 */
export class SafeTypeOrmLogger implements TypeOrmLogger {
  private readonly out = new NestLogger('TypeORM');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string, parameters?: unknown[], _runner?: QueryRunner): void {
    const e = error as Error & { code?: string; constraint?: string; table?: string; column?: string };
    this.out.error({
      msg: `query failed: ${redactMessage(typeof error === 'string' ? error : error.message)}`,
      code: e.code,
      constraint: e.constraint,
      table: e.table,
      column: e.column,
      query: redactQuery(query),
      parameterCount: parameters?.length ?? 0,
    });
  }

  logQuerySlow(time: number, query: string, parameters?: unknown[]): void {
    this.out.warn({
      msg: `slow query (${time} ms)`,
      query: redactQuery(query),
      parameterCount: parameters?.length ?? 0,
    });
  }

  // TypeORM hands a custom logger every message, whatever `logging` says: schema and migration
  // chatter is left out (runMigrations' callers log what was applied), warnings kept.
  logSchemaBuild(): void {}

  logMigration(): void {}

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.out.warn(redactMessage(String(message)));
  }
}
