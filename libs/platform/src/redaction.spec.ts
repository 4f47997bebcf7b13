import { JsonLogger } from './logger';
import { redactMessage, safeError } from './redaction';

describe('redaction of values in error messages', () => {
  it('cuts out the values PostgreSQL quotes, keeps names of things', () => {
    expect(redactMessage('invalid input syntax for type uuid: "Nguyễn Văn A"')).toBe(
      'invalid input syntax for type uuid: "[redacted]"',
    );
    expect(redactMessage('Key (phone)=(+84905123456) already exists.')).toBe(
      'Key (phone)=([redacted]) already exists.',
    );
    expect(redactMessage('duplicate key value violates unique constraint "persons_phone_key"')).toBe(
      'duplicate key value violates unique constraint "persons_phone_key"',
    );
  });

  it('serializes a failed query without parameters, detail or driver values', () => {
    const err = Object.assign(new Error('invalid input syntax for type uuid: "0905123456"'), {
      name: 'QueryFailedError',
      query: 'SELECT $1::uuid',
      parameters: ['0905123456'],
      driverError: {
        code: '22P02',
        detail: 'Key (phone)=(0905123456)',
        where: "unnamed portal parameter $1 = '0905123456'",
      },
    });
    const out = JSON.stringify(safeError(err));
    expect(out).not.toContain('0905123456');
    expect(safeError(err)).toMatchObject({ type: 'QueryFailedError', code: '22P02', query: 'SELECT $1::uuid' });
  });
});

describe('JsonLogger: personal fields and error values never reach the log', () => {
  function capture(): { lines: () => string; stream: { write(s: string): void } } {
    const out: string[] = [];
    return { lines: () => out.join(''), stream: { write: (s: string) => void out.push(s) } };
  }

  it('censors known personal fields at any of the first three levels and logs errors without their parameters', () => {
    const { lines, stream } = capture();
    const log = new JsonLogger('test', 'info', stream);
    log.log({
      msg: 'person',
      fullName: 'Nguyễn Văn Secret',
      person: { phone: '0905000111', nationalId: '079123456789' },
      a: { b: { address: '12 Secret St' } },
    });
    const err = Object.assign(new Error('invalid input syntax for type uuid: "Trần Thị Secret"'), {
      parameters: ['0905000222'],
      name: 'QueryFailedError',
    });
    log.error(err);
    log.warn({ msg: 'wrapped', err });
    const text = lines();
    for (const secret of [
      'Nguyễn Văn Secret',
      '0905000111',
      '079123456789',
      '12 Secret St',
      'Trần Thị Secret',
      '0905000222',
    ])
      expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(text.split('\n').filter(Boolean)).toHaveLength(3);
  });
});
