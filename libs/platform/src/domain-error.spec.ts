import { DomainError, errorCode } from './domain-error';

describe('errorCode', () => {
  it('builds a DomainError with the code, the kind and the message of the catalog entry', () => {
    const notFound = errorCode('THING.NOT_FOUND', 'not_found', (id: string) => `thing ${id} not found`);
    const err = notFound('t1');
    expect(err).toBeInstanceOf(DomainError);
    expect({ code: err.code, kind: err.kind, message: err.message, details: err.details }).toEqual({
      code: 'THING.NOT_FOUND',
      kind: 'not_found',
      message: 'thing t1 not found',
      details: {},
    });
    expect({ code: notFound.code, kind: notFound.kind }).toEqual({ code: 'THING.NOT_FOUND', kind: 'not_found' });
  });

  it('carries details when the entry gives them', () => {
    const taken = errorCode('THING.TAKEN', 'conflict', (id: string) => ({ message: 'taken', details: { id } }));
    expect(taken('t2').details).toEqual({ id: 't2' });
  });
});
