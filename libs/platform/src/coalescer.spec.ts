import { Coalescer } from './coalescer';

/** A flush that records its batches and answers when released. */
function gatedFlush() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const flush = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((r) => gates.push(r));
    if (items.includes(13)) throw new Error('unlucky 13');
    return items.map((i) => i * 10);
  };
  const release = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { batches, flush, release };
}

describe('Coalescer', () => {
  it('runs a lone item at once, and the items that arrive meanwhile as one batch after it', async () => {
    const g = gatedFlush();
    const c = new Coalescer(g.flush);
    const first = c.run(1);
    const rest = [c.run(2), c.run(3), c.run(4)];
    expect(g.batches).toEqual([[1]]);
    await g.release();
    expect(await first).toBe(10);
    await g.release();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(g.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('splits the queue into batches of at most maxBatch', async () => {
    const g = gatedFlush();
    const c = new Coalescer(g.flush, 2);
    const all = [1, 2, 3, 4, 5].map((i) => c.run(i));
    for (let i = 0; i < 3; i++) await g.release();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50]);
    expect(g.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('fails only the item that fails: a failed batch is run again one item at a time', async () => {
    const g = gatedFlush();
    const c = new Coalescer(g.flush);
    const first = c.run(1);
    const rest = [c.run(12), c.run(13), c.run(14)].map((p) => p.then(String, (e: Error) => e.message));
    for (let i = 0; i < 5; i++) await g.release();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual(['120', 'unlucky 13', '140']);
    expect(g.batches).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });

  it('refuses a flush that answers the wrong number of results', async () => {
    const c = new Coalescer(async (items: number[]) => items.slice(1));
    await expect(c.run(1)).rejects.toThrow('flush answered 0 results for 1 items');
  });
});
