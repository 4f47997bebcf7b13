import { derivedCheckInId } from '../../apps/checkin-gateway/src/checkins/domain/intake';
import { checkHeader, formatCsvRow, lineToEvent, splitCsvLine } from './csv';

describe('feed CSV', () => {
  it('checks the header', () => {
    expect(checkHeader('person_id,venue_id,checked_in_at,checked_out_at\r')).toBeNull();
    expect(checkHeader('\uFEFFperson_id, venue_id,checked_in_at,checked_out_at')).toBeNull();
    expect(checkHeader('person,venue,in,out')).toMatch(/header must be/);
  });

  it('splits quoted fields and refuses unbalanced quotes', () => {
    expect(splitCsvLine('a,"b,c","d ""e"""')).toEqual(['a', 'b,c', 'd "e"']);
    expect(splitCsvLine('a,"b')).toBeNull();
    expect(formatCsvRow({ personId: 'p,1', venueId: 'v', checkedInAt: 't', checkedOutAt: null })).toBe('"p,1",v,t,');
  });

  it('turns a line into a CheckInRecorded event with a checkInId derived from the stay', () => {
    const r = lineToEvent('p1,v1,2021-11-20T08:00:00+07:00,2021-11-20T09:00:00+07:00', 'csv:a.csv');
    expect(r.ok).toBe(true);
    if (r.ok !== true) return;
    expect(r.event.key).toBe('v1');
    expect(r.event.payload).toMatchObject({
      personId: 'p1',
      venueId: 'v1',
      checkedOutAt: '2021-11-20T09:00:00+07:00',
      source: 'csv:a.csv',
    });
    expect(r.event.payload.checkInId).toBe(derivedCheckInId('p1', 'v1', '2021-11-20T01:00:00Z'));
    const again = lineToEvent('p1,v1,2021-11-20T08:00:00+07:00,', 'csv:b.csv');
    expect(again.ok === true && again.event.payload.checkInId).toBe(r.event.payload.checkInId);
    expect(again.ok === true && again.event.payload.checkedOutAt).toBeNull();
  });

  it('says why a line is refused', () => {
    expect(lineToEvent('p1,v1,2021-11-20T08:00:00Z', 's')).toEqual({ ok: false, reason: 'expected 4 fields, got 3' });
    expect(lineToEvent('p1,v1,yesterday,', 's')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^checked_in_at: /),
    });
    expect(lineToEvent(',v1,2021-11-20T08:00:00Z,', 's')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^person_id: /),
    });
    expect(lineToEvent('p1,v1,2021-11-20T08:00:00Z,2021-11-20T07:00:00Z', 's')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/checked_out_at: .*after/),
    });
    expect(lineToEvent('  ', 's')).toEqual({ ok: 'blank' });
  });
});
