import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TransactionHost } from './transaction-host';

/** TransactionHost.queryPrepared on the real PostgreSQL: prepared once per connection, transactional when inside one. */
describe('TransactionHost.queryPrepared', () => {
  let ds: DataSource;
  let tx: TransactionHost;
  const table = `qp_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    // One connection: the statements of the test all meet the same session.
    ds = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, poolSize: 1 });
    await ds.initialize();
    tx = new TransactionHost(ds);
    await ds.query(`CREATE TABLE public.${table} (id int PRIMARY KEY, n int NOT NULL)`);
  });

  afterAll(async () => {
    await ds?.query(`DROP TABLE IF EXISTS public.${table}`);
    await ds?.destroy();
  });

  const insert = `INSERT INTO public.${table} (id, n) SELECT * FROM unnest($1::int[], $2::int[]) RETURNING id`;

  it('answers the rows, and the connection keeps the statement prepared for the next call', async () => {
    expect(
      await tx.queryPrepared(insert, [
        [1, 2],
        [10, 20],
      ]),
    ).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await tx.queryPrepared(insert, [[3], [30]])).toEqual([{ id: 3 }]);
    const prepared = await tx.queryPrepared<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`,
      [insert],
    );
    expect(prepared).toEqual([{ n: 1 }]);
  });

  it("runs in the caller's transaction: a rollback takes its rows back", async () => {
    await expect(
      tx.run(async () => {
        expect(await tx.queryPrepared(insert, [[4], [40]])).toEqual([{ id: 4 }]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await ds.query(`SELECT id FROM public.${table} WHERE id = 4`)).toEqual([]);
    await tx.run(() => tx.queryPrepared(insert, [[5], [50]]));
    expect(await ds.query(`SELECT n FROM public.${table} WHERE id = 5`)).toEqual([{ n: 50 }]);
  });

  it("fails with PostgreSQL's error (its code kept) when a row is refused", async () => {
    await expect(tx.queryPrepared(insert, [[1], [99]])).rejects.toMatchObject({ code: '23505' });
  });
});
