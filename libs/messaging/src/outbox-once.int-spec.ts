import { createEvent, EventEnvelope, Topics } from '@ct/contracts';
import { TransactionHost, withLogContext } from '@ct/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Outbox } from './outbox';
import { messagingSchema } from '../../../test/support/messaging-schema';

/**
 * Outbox.addOnce on the real PostgreSQL: at most one event per topic and key from a transaction,
 * built as it commits (the last addOnce's build, with the state then). A schema of its own (the
 * messaging tables every service's first migration makes), no broker.
 */
describe('outbox: one event per topic and key from a transaction (addOnce)', () => {
  const db = messagingSchema('outbox');
  let schema: string;
  let ds: DataSource;
  let tx: TransactionHost;
  let outbox: Outbox;

  beforeAll(() => {
    ({ schema, ds, tx } = db);
    outbox = new Outbox(tx, db.options);
  });

  const beds = (facilityId: string, capacity: number, correlationId?: string) =>
    createEvent(
      'FacilityBedsChanged',
      { facilityId, areaCode: '49', capacity, occupied: 0, free: capacity, changedAt: '2021-11-21T03:00:00.000Z' },
      { source: '/test', correlationId },
    );
  /** The outbox rows of these keys, in the order they were added. */
  const rows = async (...keys: string[]): Promise<{ key: string; capacity: number; correlationId: string }[]> =>
    (await ds.query(`SELECT key, value, headers FROM "${schema}".outbox WHERE key = ANY($1) ORDER BY id`, [keys])).map(
      (r: { key: string; value: string; headers: Record<string, string> }) => ({
        key: r.key,
        capacity: JSON.parse(r.value).capacity as number,
        correlationId: r.headers.ce_correlationid,
      }),
    );

  it('keeps the last build of a key, run as the transaction commits with the state then; other keys too', async () => {
    const [a, b] = [`f-${randomUUID()}`, `f-${randomUUID()}`];
    const built: string[] = [];
    let capacity = 1;
    const build = (key: string, label: string) => async (): Promise<EventEnvelope> => {
      built.push(label);
      return beds(key, capacity);
    };
    await tx.run(async () => {
      await outbox.addOnce(Topics.CARE, a, build(a, 'a1'));
      await outbox.addOnce(Topics.CARE, b, build(b, 'b1'));
      capacity = 2;
      await tx.run(() => outbox.addOnce(Topics.CARE, a, build(a, 'a2'))); // a nested run joins the transaction
      capacity = 3;
      expect(built).toEqual([]); // nothing built before the commit
      expect(await rows(a, b)).toEqual([]);
    });
    expect(built).toEqual(['b1', 'a2']);
    expect(await rows(a, b)).toEqual([
      { key: b, capacity: 3, correlationId: expect.any(String) },
      { key: a, capacity: 3, correlationId: expect.any(String) },
    ]);
    // The next transaction announces the key again.
    await tx.run(() => outbox.addOnce(Topics.CARE, a, build(a, 'a3')));
    expect((await rows(a)).map((r) => r.capacity)).toEqual([3, 3]);
  });

  it('adds nothing when the transaction rolls back or the build answers null, and at once without a transaction', async () => {
    const key = `f-${randomUUID()}`;
    await expect(
      tx.run(async () => {
        await outbox.addOnce(Topics.CARE, key, async () => beds(key, 1));
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    await tx.run(() => outbox.addOnce(Topics.CARE, key, async () => null));
    expect(await rows(key)).toEqual([]);
    await outbox.addOnce(Topics.CARE, key, async () => beds(key, 4));
    expect(await rows(key)).toEqual([{ key, capacity: 4, correlationId: expect.any(String) }]);
  });

  it('builds under the log context it was added in, and refuses an event of another topic or key', async () => {
    const key = `f-${randomUUID()}`;
    await tx.run(() =>
      withLogContext({ correlationId: 'corr-request-1' }, () =>
        outbox.addOnce(Topics.CARE, key, async () => beds(key, 5)),
      ),
    );
    expect(await rows(key)).toEqual([{ key, capacity: 5, correlationId: 'corr-request-1' }]);
    const other = `f-${randomUUID()}`;
    await expect(tx.run(() => outbox.addOnce(Topics.CARE, key, async () => beds(other, 6)))).rejects.toThrow(/addOnce/);
    expect(await rows(key, other)).toHaveLength(1);
  });
});
