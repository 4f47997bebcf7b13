/** What the persons found for one result say: one person, nobody, or several (ambiguous). */
export type MatchOutcome = { kind: 'MATCHED'; personId: string } | { kind: 'QUEUED'; reason: 'NO_MATCH' | 'AMBIGUOUS' };

/**
 * A result matches a person when every key it carries (personId, national ID, phone) that finds
 * somebody finds the same person; keys that find nobody do not contradict (a new phone number).
 * Nobody found: NO_MATCH; two different persons: AMBIGUOUS. Both wait for a reviewer.
 */
export function decideMatch(found: { byPersonId?: string; byNationalId?: string; byPhone?: string }): MatchOutcome {
  const persons = new Set([found.byPersonId, found.byNationalId, found.byPhone].filter((p): p is string => !!p));
  if (persons.size === 1) return { kind: 'MATCHED', personId: [...persons][0] };
  return { kind: 'QUEUED', reason: persons.size === 0 ? 'NO_MATCH' : 'AMBIGUOUS' };
}
