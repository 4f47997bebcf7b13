/**
 * The project's one seedable PRNG (mulberry32), for the feed simulator, tests and benchmarks, so a
 * failing seed can be replayed. Not for anything that needs to be unpredictable.
 */

/** mulberry32 from a 32-bit state: the next state and a draw in [0, 1). */
function step(state: number): [number, number] {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = Math.imul(s ^ (s >>> 15), s | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [s, ((t ^ (t >>> 14)) >>> 0) / 4294967296];
}

/** Draws in [0, 1) from a numeric seed used as the initial state (the tests' and the tracing bench's seeds). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    const [next, draw] = step(state);
    state = next;
    return draw;
  };
}

/** mulberry32 seeded by a hash of a string or number, with the helpers the feed simulator needs. */
export class Prng {
  private s: number;

  constructor(seed: string | number) {
    let h = 1779033703 ^ String(seed).length;
    for (const ch of String(seed)) {
      h = Math.imul(h ^ ch.charCodeAt(0), 3432918353);
      h = (h << 13) | (h >>> 19);
    }
    this.s = h >>> 0;
  }

  /** [0, 1) */
  next(): number {
    const [next, draw] = step(this.s);
    this.s = next;
    return draw;
  }

  int(minIncl: number, maxIncl: number): number {
    return minIncl + Math.floor(this.next() * (maxIncl - minIncl + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }

  /** Roughly normal (sum of three uniforms), mean and standard deviation given. */
  normal(mean: number, sd: number): number {
    return mean + sd * ((this.next() + this.next() + this.next() - 1.5) * 2);
  }

  /** An index in [0, n) skewed towards 0 (popular venues get more visits). */
  skewed(n: number, power = 2): number {
    return Math.min(n - 1, Math.floor(n * Math.pow(this.next(), power)));
  }
}
