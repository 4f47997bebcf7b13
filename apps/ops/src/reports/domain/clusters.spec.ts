import { newClusters } from './clusters';

const day = 86_400_000;
const from = Date.UTC(2021, 10, 15);
const to = from + 7 * day;

describe('newClusters', () => {
  it('counts a group of linked cases as new in the week its second case was confirmed', () => {
    const cases = [
      { caseId: 'a', confirmedAt: from - 3 * day },
      { caseId: 'b', confirmedAt: from + day },
      { caseId: 'c', confirmedAt: from + 2 * day },
      { caseId: 'd', confirmedAt: from - 10 * day },
      { caseId: 'e', confirmedAt: from - 9 * day },
      { caseId: 'f', confirmedAt: from + 3 * day },
      { caseId: 'lone', confirmedAt: from + day },
      { caseId: 'later', confirmedAt: to + day },
    ];
    const links: [string, string][] = [
      ['a', 'b'],
      ['b', 'c'],
      ['d', 'e'],
      ['e', 'f'],
      ['c', 'later'],
      ['x', 'a'],
    ];
    // a-b-c became a cluster this week (b); d-e was one already last week; 'later' is after the week.
    expect(newClusters(cases, links, from, to)).toEqual([
      { size: 3, firstConfirmedAt: from - 3 * day, becameClusterAt: from + day },
    ]);
  });

  it('gives the same answer whatever order the links and cases come in', () => {
    const cases = [
      { caseId: 'p', confirmedAt: from + day },
      { caseId: 'q', confirmedAt: from + 2 * day },
      { caseId: 'r', confirmedAt: from + 4 * day },
    ];
    const links: [string, string][] = [
      ['q', 'r'],
      ['p', 'q'],
    ];
    const a = newClusters(cases, links, from, to);
    const b = newClusters([...cases].reverse(), [...links].reverse(), from, to);
    expect(a).toEqual(b);
    expect(a).toEqual([{ size: 3, firstConfirmedAt: from + day, becameClusterAt: from + 2 * day }]);
  });
});
