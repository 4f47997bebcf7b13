import { ContractViolation } from '@ct/contracts';
import { UnprocessableEvent } from './errors';
import { backoffDelay, classifyFailure, DEFAULT_RETRY_POLICY, safeReason } from './failures';

/** A pg DatabaseError the way TypeORM wraps it (QueryFailedError copies the driver error's fields). */
const pgError = (code: string, message: string) =>
  Object.assign(new Error(message), { name: 'QueryFailedError', code, driverError: { code } });

describe('failure classification', () => {
  it.each([
    ['22009', 'time zone displacement out of range: "2021-11-20T08:00:00+16:30"', 'permanent'],
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00', 'permanent'],
    ['23505', 'duplicate key value violates unique constraint "x"', 'permanent'],
    ['23514', 'new row violates check constraint "c"', 'permanent'],
    ['08006', 'connection failure', 'infrastructure'],
    ['57P01', 'terminating connection due to administrator command', 'infrastructure'],
    ['53300', 'sorry, too many clients already', 'infrastructure'],
    ['40P01', 'deadlock detected', 'infrastructure'],
    ['42P01', 'relation "x" does not exist', 'unknown'],
  ])('PostgreSQL %s is %s', (code, message, kind) => {
    const f = classifyFailure(pgError(code, message));
    expect(f.kind).toBe(kind);
    expect(f.category).toBe(kind === 'infrastructure' ? 'infrastructure' : `pg_${code}`);
    expect(f.reason.startsWith(`PostgreSQL ${code}: `)).toBe(true);
  });

  it('keeps the offending value out of the reason', () => {
    const f = classifyFailure(pgError('22009', 'time zone displacement out of range: "2021-11-20T08:00:00+16:30"'));
    expect(f.reason).toBe('PostgreSQL 22009: time zone displacement out of range: "…"');
    expect(safeReason('invalid input \'Nguyễn Văn A\' and "0912345678"\u0000')).toBe('invalid input \'…\' and "…"');
  });

  it('treats contract violations and handler rejections as permanent, with their fields', () => {
    expect(classifyFailure(new UnprocessableEvent('unknown case', [{ field: 'caseId', problems: ['x'] }]))).toEqual({
      kind: 'permanent',
      category: 'rejected',
      reason: 'unknown case',
      fields: [{ field: 'caseId', problems: ['x'] }],
    });
    expect(classifyFailure(new ContractViolation('bad payload', [{ field: 'a', problems: ['b'] }])).category).toBe(
      'contract',
    );
  });

  it.each([
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    [Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' })],
    [Object.assign(new Error('Request timed out'), { name: 'KafkaJSRequestTimeoutError' })],
    [Object.assign(new Error('Not leader'), { name: 'KafkaJSProtocolError', retriable: true })],
    [new Error('timeout exceeded when trying to connect')],
    [new Error('Connection terminated unexpectedly')],
    [Object.assign(new Error('the producer failed'), { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) })],
  ])('treats %s as infrastructure (retried without limit)', (err) => {
    expect(classifyFailure(err).kind).toBe('infrastructure');
  });

  it('leaves anything else unknown (bounded retries)', () => {
    expect(classifyFailure(new TypeError('x is undefined'))).toMatchObject({
      kind: 'unknown',
      category: 'handler_error',
      reason: 'TypeError: x is undefined',
    });
    expect(
      classifyFailure(Object.assign(new Error('Not authorized'), { name: 'KafkaJSProtocolError', retriable: false }))
        .kind,
    ).toBe('unknown');
  });

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 10].map((a) => backoffDelay(DEFAULT_RETRY_POLICY, a))).toEqual([
      200, 400, 800, 1600, 3200, 5000,
    ]);
  });
});
