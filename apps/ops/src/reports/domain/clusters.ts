/**
 * Clusters (ổ dịch) as the weekly report counts them: cases linked by contact edges (a case's person
 * was a contact of another case) form a group; a group of two or more cases is a cluster, and it is
 * new in the week its second case was confirmed. Pure: the same answer whatever order the facts
 * arrived in, since it is computed from the whole set at read time.
 */
export interface ClusterCase {
  caseId: string;
  confirmedAt: number;
}

export interface NewCluster {
  /** Cases confirmed up to the end of the week. */
  size: number;
  firstConfirmedAt: number;
  /** When the group reached two cases (inside the week). */
  becameClusterAt: number;
}

export function newClusters(cases: ClusterCase[], links: [string, string][], from: number, to: number): NewCluster[] {
  const known = cases.filter((c) => c.confirmedAt < to);
  const parent = new Map<string, string>(known.map((c) => [c.caseId, c.caseId]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const [a, b] of links) {
    if (!parent.has(a) || !parent.has(b)) continue;
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const groups = new Map<string, number[]>();
  for (const c of known) groups.set(find(c.caseId), [...(groups.get(find(c.caseId)) ?? []), c.confirmedAt]);
  const out: NewCluster[] = [];
  for (const times of groups.values()) {
    if (times.length < 2) continue;
    times.sort((a, b) => a - b);
    if (times[1] >= from && times[1] < to)
      out.push({ size: times.length, firstConfirmedAt: times[0], becameClusterAt: times[1] });
  }
  return out.sort((a, b) => b.size - a.size || a.firstConfirmedAt - b.firstConfirmedAt);
}
