import { derivedCheckInId, MAX_ITEMS, parseBody, withDefaults } from './intake';

describe('check-in intake body', () => {
  it('reads a JSON array', () => {
    const r = parseBody('application/json; charset=utf-8', '[{"a":1},{"b":2}]');
    expect(r).toEqual({ ok: true, items: [{ a: 1 }, { b: 2 }], unreadable: new Map() });
  });

  it('refuses a body that is not JSON, or not an array, with 400 and a clear message', () => {
    const bad = parseBody('application/json', '{oops');
    expect(bad).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/not valid JSON/) });
    expect(parseBody('application/json', '{"a":1}')).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringMatching(/JSON array/),
    });
  });

  it('reads NDJSON, an unreadable line being one bad item', () => {
    const r = parseBody('application/x-ndjson', '{"a":1}\r\n\nnope\n{"b":2}\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.items).toEqual([{ a: 1 }, undefined, { b: 2 }]);
    expect(r.unreadable.get(1)).toMatch(/^line 2 is not valid JSON/);
  });

  it('refuses more than 10,000 items with 413', () => {
    const many = JSON.stringify(Array.from({ length: MAX_ITEMS + 1 }, () => ({})));
    expect(parseBody('application/json', many)).toMatchObject({ ok: false, status: 413 });
    expect(parseBody('application/json', JSON.stringify(Array.from({ length: MAX_ITEMS }, () => ({}))))).toMatchObject({
      ok: true,
    });
    expect(parseBody('application/x-ndjson', '{}\n'.repeat(MAX_ITEMS + 1))).toMatchObject({ ok: false, status: 413 });
  });

  it('derives a stable checkInId from the stay when the feed sends none', () => {
    const a = withDefaults({ personId: 'p', venueId: 'v', checkedInAt: '2021-11-20T08:00:00Z' }, 'feed:x') as Record<
      string,
      unknown
    >;
    const b = withDefaults(
      { personId: 'p', venueId: 'v', checkedInAt: '2021-11-20T15:00:00+07:00', checkedOutAt: '2021-11-20T09:00:00Z' },
      'feed:x',
    ) as Record<string, unknown>;
    expect(a.checkInId).toBe(b.checkInId);
    expect(a.checkInId).toBe(derivedCheckInId('p', 'v', '2021-11-20T08:00:00.000Z'));
    expect(a).toMatchObject({ checkedOutAt: null, source: 'feed:x' });
    expect(
      withDefaults(
        { checkInId: 'own', personId: 'p', venueId: 'v', checkedInAt: '2021-11-20T08:00:00Z', source: 's' },
        'f',
      ),
    ).toMatchObject({ checkInId: 'own', source: 's' });
    expect(withDefaults(42, 'f')).toBe(42);
  });
});
