import { ContractViolation } from '@ct/contracts';
import { UnprocessableEvent } from './errors';

/**
 * What a consumer does with a failure (ARCHITECTURE.md, "Failure policy"):
 * - `permanent`: no retry will change it (a contract violation, an event the handler rejects,
 *   PostgreSQL class 22 data exceptions and class 23 integrity violations that the handler did not
 *   absorb as an idempotent conflict): dead-lettered at once;
 * - `infrastructure`: the broker or the database is away (connection refused or reset, timeouts,
 *   PostgreSQL classes 08, 53, 57P, serialization failures and deadlocks of class 40): retried
 *   without limit and never dead-lettered, so an outage loses nothing;
 * - `unknown`: anything else (a bug, an unexpected state): retried with exponential backoff and
 *   dead-lettered after the configured number of attempts, so it cannot stall a partition.
 */
export type FailureKind = 'permanent' | 'infrastructure' | 'unknown';

export interface Failure {
  kind: FailureKind;
  /** Low-cardinality label for metrics and the DLQ header `dlq_category`: contract, rejected, pg_22009, exhausted… */
  category: string;
  /** One line for logs and the DLQ header; quoted values removed, so no payload data leaks into it. */
  reason: string;
  fields: { field: string; problems: string[] }[];
}

const NODE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

const KAFKA_INFRA_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSConnectionClosedError',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
]);

/** Messages of pg, pg-pool and TypeORM when the database connection is lost or cannot be had. */
const DB_CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /connection (is )?(closed|ended)/i,
  /cannot use a pool after calling end/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection/i,
];

/** Strips quoted values (PostgreSQL quotes the offending input) and keeps one short line. */
export function safeReason(message: string): string {
  return message
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, 240);
}

function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; severity?: unknown };
  const code =
    typeof e?.driverError?.code === 'string' ? e.driverError.code : typeof e?.code === 'string' ? e.code : undefined;
  return code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err, i = 0; e && i < 5; i++) {
    out.push(e);
    const next =
      (e as { cause?: unknown; originalError?: unknown; driverError?: unknown }).cause ??
      (e as { originalError?: unknown }).originalError;
    if (next === e) break;
    e = next;
  }
  return out;
}

export function classifyFailure(err: unknown): Failure {
  if (err instanceof UnprocessableEvent)
    return { kind: 'permanent', category: 'rejected', reason: err.reason, fields: err.fields };
  if (err instanceof ContractViolation)
    return { kind: 'permanent', category: 'contract', reason: err.message, fields: err.fields };
  for (const e of chain(err)) {
    const name = (e as Error)?.name ?? '';
    const message = String((e as Error)?.message ?? e);
    const code = (e as { code?: unknown })?.code;
    if (typeof code === 'string' && NODE_NETWORK_CODES.has(code)) return infra(`network ${code}`);
    if (KAFKA_INFRA_NAMES.has(name)) return infra(`${name}: ${safeReason(message)}`);
    if (name === 'KafkaJSProtocolError' && (e as { retriable?: boolean }).retriable)
      return infra(`${name}: ${safeReason(message)}`);
    const pg = pgCode(e);
    if (pg) {
      const cls = pg.slice(0, 2);
      const reason = `PostgreSQL ${pg}: ${safeReason(message)}`;
      if (cls === '22' || cls === '23') return { kind: 'permanent', category: `pg_${pg}`, reason, fields: [] };
      if (cls === '08' || cls === '53' || cls === '40' || pg.startsWith('57P')) return infra(reason);
      return { kind: 'unknown', category: `pg_${pg}`, reason, fields: [] };
    }
    if (DB_CONNECTION_MESSAGES.some((re) => re.test(message))) return infra(`database: ${safeReason(message)}`);
  }
  const e = err as Error;
  return {
    kind: 'unknown',
    category: 'handler_error',
    reason: safeReason(`${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`),
    fields: [],
  };
}

function infra(reason: string): Failure {
  return { kind: 'infrastructure', category: 'infrastructure', reason, fields: [] };
}

export interface RetryPolicy {
  /** Attempts of an event whose failure is neither permanent nor infrastructure, before it is dead-lettered. Default 5. */
  maxAttempts: number;
  /** First backoff; doubled each attempt. Default 200 ms. */
  backoffMs: number;
  /** Longest wait between two attempts (infrastructure outages). Default 5 s. */
  maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, backoffMs: 200, maxBackoffMs: 5000 };

/** The wait before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, attempt - 1));
}
