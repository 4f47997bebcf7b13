import { redactMessage, safeError } from './redaction';

describe('redaction of values in error messages', () => {
  it('cuts out the values PostgreSQL quotes, keeps names of things', () => {
    expect(redactMessage('invalid input syntax for type uuid: "Nguyễn Văn A"')).toBe('invalid input syntax for type uuid: "[redacted]"');
    expect(redactMessage('Key (phone)=(+84905123456) already exists.')).toBe('Key (phone)=([redacted]) already exists.');
    expect(redactMessage('duplicate key value violates unique constraint "persons_phone_key"')).toBe('duplicate key value violates unique constraint "persons_phone_key"');
  });

  it('serializes a failed query without parameters, detail or driver values', () => {
    const err = Object.assign(new Error('invalid input syntax for type uuid: "0905123456"'), {
      name: 'QueryFailedError',
      query: 'SELECT $1::uuid',
      parameters: ['0905123456'],
      driverError: { code: '22P02', detail: 'Key (phone)=(0905123456)', where: 'unnamed portal parameter $1 = \'0905123456\'' },
    });
    const out = JSON.stringify(safeError(err));
    expect(out).not.toContain('0905123456');
    expect(safeError(err)).toMatchObject({ type: 'QueryFailedError', code: '22P02', query: 'SELECT $1::uuid' });
  });
});
