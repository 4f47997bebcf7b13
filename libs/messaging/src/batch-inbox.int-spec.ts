import { createEvent, EventEnvelope } from '@ct/contracts';
import { currentLogContext, TransactionHost } from '@ct/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BatchInbox } from './batch-inbox';
import { Inbox } from './inbox';
import { messagingSchema } from '../../../test/support/messaging-schema';

/**
 * The inbox of batch handlers on the real PostgreSQL: Inbox.recordMany records a list of event ids
 * in one statement and answers which were not handled before; BatchInbox maps that to the events.
 * A schema of its own (the messaging tables every service's first migration makes), no broker.
 */
describe('inbox of batch handlers (Inbox.recordMany, BatchInbox)', () => {
  const db = messagingSchema('inbox');
  let schema: string;
  let ds: DataSource;
  let tx: TransactionHost;
  let inbox: Inbox;

  beforeAll(() => {
    ({ schema, ds, tx } = db);
    inbox = new Inbox(tx, db.options);
  });

  it('returns only the ids not seen before, each once and in order, across calls with overlapping ids', async () => {
    const [a, b, c, d, e] = Array.from({ length: 5 }, () => randomUUID());
    expect(await tx.run(() => inbox.recordMany('quarantine', [a, b, a, c]))).toEqual([a, b, c]);
    expect(await tx.run(() => inbox.recordMany('quarantine', [c, d, b, e, d, a]))).toEqual([d, e]);
    expect(await tx.run(() => inbox.recordMany('quarantine', [e, a]))).toEqual([]);
    expect(await tx.run(() => inbox.recordMany('quarantine', []))).toEqual([]);
    // Each id is in the ledger once, under its consumer; another consumer's ledger is its own.
    const rows = await ds.query(`SELECT event_id FROM "${schema}".inbox WHERE consumer = 'quarantine'`);
    expect(rows.map((r: { event_id: string }) => r.event_id).sort()).toEqual([a, b, c, d, e].sort());
    expect(await tx.run(() => inbox.recordMany('cases', [b, a]))).toEqual([b, a]);
  });

  it('shares the ledger with the single-event path and records nothing when the transaction rolls back', async () => {
    const [a, b, c] = Array.from({ length: 3 }, () => randomUUID());
    expect(await tx.run(() => inbox.record('ops', a))).toBe(true);
    await expect(
      tx.run(async () => {
        expect(await inbox.recordMany('ops', [a, b])).toEqual([b]);
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await tx.run(() => inbox.recordMany('ops', [c, b, a]))).toEqual([c, b]);
    expect(await tx.run(() => inbox.record('ops', c))).toBe(false);
  });

  it('hands a batch handler its fresh events once each, in order, each under its own log context', async () => {
    const batch = new BatchInbox(inbox, { service: 'tracing' });
    const event = () =>
      createEvent(
        'CaseClosed',
        { caseId: randomUUID(), personId: 'p-1', closedAt: '2021-12-05T09:00:00Z', outcome: 'RECOVERED' },
        { source: '/test' },
      );
    const [e1, e2, e3] = [event(), event(), event()];
    expect(await tx.run(() => batch.fresh([e1, e2, e1]))).toEqual([e1, e2]);
    const handled: [string, string | undefined][] = [];
    await tx.run(() =>
      batch.eachFresh([e2, e3, e1, e3], async (e: EventEnvelope) => {
        handled.push([e.meta.id, currentLogContext()?.eventId]);
      }),
    );
    expect(handled).toEqual([[e3.meta.id, e3.meta.id]]);
    // Recorded under the service's consumer group, the name the transport records single events under.
    expect(await tx.run(() => inbox.record('tracing', e3.meta.id))).toBe(false);
  });
});
