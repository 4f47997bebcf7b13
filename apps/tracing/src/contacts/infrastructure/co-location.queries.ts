/**
 * The SQL side of the engine: co-location overlaps straight from the partitioned visit store.
 * Every scan is bounded on checked_in_at (the partition key) by the window minus the longest stay,
 * so only the day partitions that can hold an overlapping stay are read, and the inner side is an
 * index range on (venue_id, checked_in_at, ends_at). Results are overlaps clipped to the window;
 * collapsing them into contacts is the pure domain's job (domain/tracing-policy.ts).
 * Takes a plain query function so the service (TypeORM manager) and the benchmark (pg) share it.
 * The statements are named: run with plan_cache_mode = force_generic_plan they are planned once
 * per connection and the day partitions are pruned at execution (planning a 20-partition join
 * costs more than running it).
 */
import { pgConnectionOf } from '@ct/platform';
import { EntityManager } from 'typeorm';
import { Finding, Interval, mergeFindings, Overlap } from '../domain/tracing-policy';

/** Runs a statement; `name` = a prepared statement name the connection may cache. */
export type QueryFn = (sql: string, params: unknown[], name?: string) => Promise<any[]>;

/** A QueryFn on a TypeORM manager: named statements go straight to its pg connection, so it can keep their plans. */
export function queryOn(manager: EntityManager): QueryFn {
  return async (sql, params, name) => {
    const conn = pgConnectionOf(manager);
    if (name && conn) return (await conn.query({ name, text: sql, values: params })).rows;
    return manager.query(sql, params);
  };
}

/**
 * Plan the engine's statements once per connection (partitions are pruned at execution), and no
 * JIT: its compile time is more than these index-driven queries' run time. Local to the transaction.
 */
export async function tuneSession(manager: EntityManager): Promise<void> {
  await manager.query(
    "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('jit', 'off', true)",
  );
}

export interface EngineLimits {
  minOverlapMs: number;
  /** Stays longer than this are not looked back for (see TRACING_MAX_STAY_HOURS). */
  maxStayMs: number;
}

const ms = (v: Date | string | number) =>
  typeof v === 'number' ? v : v instanceof Date ? v.getTime() : new Date(v).getTime();
const interval = (millis: number) => `${millis} milliseconds`;

export const F1_SQL = `
WITH mine AS (
  SELECT venue_id, greatest(checked_in_at, $2::timestamptz) AS s, least(ends_at, $3::timestamptz) AS e
  FROM tracing.visits
  WHERE person_id = $1 AND checked_in_at >= $2::timestamptz - $5::interval AND checked_in_at < $3::timestamptz AND ends_at > $2::timestamptz
)
SELECT v.person_id, v.venue_id, greatest(v.checked_in_at, m.s) AS s, least(v.ends_at, m.e) AS e
FROM mine m
JOIN tracing.visits v ON v.venue_id = m.venue_id
  AND v.checked_in_at < m.e AND v.checked_in_at >= m.s - $5::interval AND v.ends_at > m.s
  AND v.checked_in_at >= $2::timestamptz - $5::interval AND v.checked_in_at < $3::timestamptz
WHERE v.person_id <> $1
  AND least(v.ends_at, m.e) - greatest(v.checked_in_at, m.s) > $4::interval`;

/** Everyone co-located with `personId` inside `w`. */
export async function f1Overlaps(q: QueryFn, personId: string, w: Interval, lim: EngineLimits): Promise<Overlap[]> {
  const rows = await q(
    F1_SQL,
    [personId, new Date(w.start), new Date(w.end), interval(lim.minOverlapMs), interval(lim.maxStayMs)],
    'ct_tracing_f1_v1',
  );
  return rows.map((r) => ({
    sourcePersonId: personId,
    personId: r.person_id,
    venueId: r.venue_id,
    kind: 'CO_LOCATION',
    start: ms(r.s),
    end: ms(r.e),
  }));
}

/**
 * F2: the sources' (F1s') co-locations, minus `exclude` (the case's F0 and F1), reduced in SQL to one
 * row per person (a crowded venue would otherwise return every F1 × every visitor): the exposure
 * that ended last (ties: later start, then smaller source and venue, byte order), the earliest start
 * and the latest end over all their overlaps with any source. Same rule as domain collapse(…, 2).
 */
export const F2_SQL = `
WITH src AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS f(person_id, ws)),
-- One index range per source (person, time): with thousands of sources a hash join would scan
-- whole day partitions instead.
mine AS MATERIALIZED (
  SELECT src.person_id AS src, v.venue_id, greatest(v.checked_in_at, src.ws) AS s, least(v.ends_at, $3::timestamptz) AS e
  FROM src CROSS JOIN LATERAL (
    SELECT venue_id, checked_in_at, ends_at FROM tracing.visits
    WHERE person_id = src.person_id
      AND checked_in_at >= src.ws - $5::interval AND checked_in_at < $3::timestamptz AND ends_at > src.ws
      AND checked_in_at >= $6::timestamptz - $5::interval
    OFFSET 0
  ) v
),
-- Each venue the sources stayed at is scanned once over the span of their stays there, and people
-- already known (F0, F1) are dropped before pairing: at a market full of F1 this is one scan of the
-- market's visits that leaves nobody, instead of one scan per F1 stay (F1 × visitors tuples).
venues AS (SELECT venue_id, min(s) AS lo, max(e) AS hi FROM mine GROUP BY venue_id),
cand AS MATERIALIZED (
  SELECT w.* FROM venues vv
  CROSS JOIN LATERAL (
    SELECT person_id, venue_id, checked_in_at, ends_at FROM tracing.visits
    WHERE venue_id = vv.venue_id AND checked_in_at >= vv.lo - $5::interval AND checked_in_at < vv.hi AND ends_at > vv.lo
      AND checked_in_at >= $6::timestamptz - $5::interval AND checked_in_at < $3::timestamptz
    OFFSET 0
  ) w
  WHERE w.person_id NOT IN (SELECT unnest($7::text[]))
),
o AS (
  SELECT m.src, c.person_id, c.venue_id, greatest(c.checked_in_at, m.s) AS s, least(c.ends_at, m.e) AS e
  FROM mine m JOIN cand c ON c.venue_id = m.venue_id AND c.checked_in_at < m.e AND c.ends_at > m.s
  WHERE c.person_id <> m.src
    AND least(c.ends_at, m.e) - greatest(c.checked_in_at, m.s) > $4::interval
)
-- Instants as epoch milliseconds: a super-spreader's F2 is tens of thousands of rows, and numbers
-- cost the driver far less to read than timestamps.
SELECT person_id, src, venue_id, floor(extract(epoch FROM s) * 1000)::float8 AS s, floor(extract(epoch FROM e) * 1000)::float8 AS e,
  floor(extract(epoch FROM first_s) * 1000)::float8 AS first_s, floor(extract(epoch FROM last_e) * 1000)::float8 AS last_e
FROM (
  SELECT DISTINCT ON (person_id) person_id, src, venue_id, s, e,
    min(s) OVER (PARTITION BY person_id) AS first_s, max(e) OVER (PARTITION BY person_id) AS last_e
  FROM o
  ORDER BY person_id, e DESC, s DESC, src COLLATE "C", venue_id COLLATE "C"
) one`;

/** The case's F2: contacts of each source (an F1) inside [its own start, until], one per person. */
export async function f2Findings(
  q: QueryFn,
  sources: { personId: string; from: number }[],
  until: number,
  exclude: string[],
  lim: EngineLimits,
): Promise<Finding[]> {
  const live = sources.filter((s) => s.from < until);
  if (live.length === 0) return [];
  const earliest = Math.min(...live.map((s) => s.from));
  const rows = await q(
    F2_SQL,
    [
      live.map((s) => s.personId),
      live.map((s) => new Date(s.from)),
      new Date(until),
      interval(lim.minOverlapMs),
      interval(lim.maxStayMs),
      new Date(earliest),
      exclude,
    ],
    'ct_tracing_f2_v5',
  );
  return rows
    .map((r): Finding => ({
      sourcePersonId: r.src,
      personId: r.person_id,
      degree: 2,
      exposure: { kind: 'CO_LOCATION', venueId: r.venue_id, start: ms(r.s), end: ms(r.e) },
      firstExposureAt: ms(r.first_s),
      lastExposureAt: ms(r.last_e),
    }))
    .sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
}

/**
 * F2 through sources whose windows end at different instants (each F1's own identification): one
 * f2Findings per end, merged to one finding per person by the domain's rule.
 */
export async function f2ByWindowEnd(
  q: QueryFn,
  sources: { personId: string; from: number; to: number }[],
  exclude: string[],
  lim: EngineLimits,
): Promise<Finding[]> {
  const byEnd = new Map<number, { personId: string; from: number }[]>();
  for (const s of sources) byEnd.set(s.to, [...(byEnd.get(s.to) ?? []), { personId: s.personId, from: s.from }]);
  const parts: Finding[][] = [];
  for (const [end, group] of byEnd) parts.push(await f2Findings(q, group, end, exclude, lim));
  return mergeFindings(parts);
}

/** The person's own stays clipped to `w` (the case's exposure sites). */
export async function staysInside(
  q: QueryFn,
  personId: string,
  w: Interval,
  lim: EngineLimits,
): Promise<{ venueId: string; start: number; end: number }[]> {
  const rows = await q(
    `SELECT venue_id, greatest(checked_in_at, $2::timestamptz) AS s, least(ends_at, $3::timestamptz) AS e FROM tracing.visits
     WHERE person_id = $1 AND checked_in_at >= $2::timestamptz - $4::interval AND checked_in_at < $3::timestamptz AND ends_at > $2::timestamptz`,
    [personId, new Date(w.start), new Date(w.end), interval(lim.maxStayMs)],
    'ct_tracing_stays_v1',
  );
  return rows.map((r) => ({ venueId: r.venue_id, start: ms(r.s), end: ms(r.e) }));
}
