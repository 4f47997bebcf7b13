import { BadRequestException } from '@nestjs/common';
import { MAX_BODY_DEPTH, StrictInputPipe, strictInputProblems } from './strict-input';

describe('StrictInputPipe', () => {
  const pipe = new StrictInputPipe();

  it('names the field holding a NUL in a body, a query string and a path parameter', () => {
    expect(
      strictInputProblems({ fullName: 'Nguy\u0000n', address: { line: 'a\u0001' } }, 'body').map((p) => p.field),
    ).toEqual(['fullName', 'address.line']);
    expect(strictInputProblems({ area: 'x\u0000' }, 'query')).toEqual([
      { field: 'area', problems: ['area must not contain control characters'] },
    ]);
    expect(strictInputProblems('abc\u0000', 'param', 'id')).toEqual([
      { field: 'id', problems: ['id must not contain control characters'] },
    ]);
    expect(strictInputProblems([{ a: 1 }, { b: '\u007F' }], 'body').map((p) => p.field)).toEqual(['[1].b']);
  });

  it('refuses line breaks and tabs in path parameters and query values', () => {
    expect(strictInputProblems('p\n1', 'param', 'personId').map((p) => p.field)).toEqual(['personId']);
    expect(strictInputProblems({ area: '49\t' }, 'query').map((p) => p.field)).toEqual(['area']);
  });

  it('lets tab and line breaks through in bodies (NDJSON, free text) and passes clean input unchanged', () => {
    const body = { notes: 'line 1\r\nline 2\tend', n: 3, ok: true, none: null };
    expect(pipe.transform(body, { type: 'body' })).toBe(body);
    expect(pipe.transform('{"a":1}\n{"a":2}\n', { type: 'body' })).toBe('{"a":1}\n{"a":2}\n');
  });

  it('answers 400 with the field, and refuses over-long query values', () => {
    let caught: unknown;
    try {
      pipe.transform({ page: '1\u0000' }, { type: 'query' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BadRequestException);
    expect((caught as BadRequestException).getResponse()).toMatchObject({
      statusCode: 400,
      details: [{ field: 'page' }],
    });
    expect(strictInputProblems({ q: 'x'.repeat(2000) }, 'query').map((p) => p.field)).toEqual(['q']);
  });

  it('refuses a body nested deeper than MAX_BODY_DEPTH, without exhausting its own stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(strictInputProblems(deep, 'body')).toEqual([
      {
        field: expect.stringMatching(/^\[0\]/),
        problems: [`body must not nest objects and arrays more than ${MAX_BODY_DEPTH} deep`],
      },
    ]);
    let ok: unknown = { a: 1 };
    for (let i = 0; i < MAX_BODY_DEPTH - 1; i++) ok = { child: ok };
    expect(strictInputProblems(ok, 'body')).toEqual([]);
    expect(strictInputProblems({ child: ok }, 'body')).toHaveLength(1);
  });

  it('refuses a named query parameter given twice', () => {
    expect(() => pipe.transform(['1', '2'], { type: 'query', data: 'limit' })).toThrow(BadRequestException);
    expect(pipe.transform('1', { type: 'query', data: 'limit' })).toBe('1');
    expect(pipe.transform(undefined, { type: 'query', data: 'limit' })).toBeUndefined();
  });
});
