import { ALL_TOPICS, dlqTopic, Topics } from '@ct/contracts';
import { AclRule, handledTopics } from '@ct/messaging';
import { Logger } from '@nestjs/common';
import { describePlan, projectAclPlan, projectPrincipals, serviceDeclarations } from './acls';

const has = (plan: AclRule[], principal: string, operation: string, resource: string, name: string) =>
  plan.some(
    (r) =>
      r.principal === `User:${principal}` && r.operation === operation && r.resource === resource && r.name === name,
  );

describe('Kafka ACLs derived from the code', () => {
  let plan: AclRule[];
  beforeAll(() => {
    // Building five root modules in one process makes TypeORM's module warn about data source names.
    Logger.overrideLogger(['error']);
    plan = projectAclPlan();
  });

  it('reads each service’s subscriptions from its @HandleEvent handlers', () => {
    const byName = Object.fromEntries(serviceDeclarations().map((d) => [d.name, handledTopics(d.module)]));
    expect(byName).toEqual({
      'checkin-gateway': [],
      tracing: [Topics.CASES, Topics.CHECKINS, Topics.TESTING],
      cases: [Topics.CARE, Topics.CONTACTS, Topics.QUARANTINE, Topics.TESTING],
      quarantine: [Topics.CASES, Topics.CONTACTS, Topics.SURVEILLANCE],
      ops: [Topics.CARE, Topics.CASES, Topics.CONTACTS, Topics.QUARANTINE, Topics.SURVEILLANCE],
    });
    // Rules by epidemic level (issue 18): quarantine reads the levels, and dead-letters a bad one.
    expect(has(plan, 'quarantine', 'READ', 'TOPIC', Topics.SURVEILLANCE)).toBe(true);
    expect(has(plan, 'quarantine', 'WRITE', 'TOPIC', dlqTopic(Topics.SURVEILLANCE))).toBe(true);
    expect(has(plan, 'quarantine', 'WRITE', 'TOPIC', Topics.SURVEILLANCE)).toBe(false);
  });

  it('lets tracing read what it consumes, write contacts.v1 and its dead letters, and nothing else', () => {
    const tracing = plan.filter((r) => r.principal === 'User:tracing');
    expect(tracing).toEqual(
      expect.arrayContaining([
        { principal: 'User:tracing', resource: 'TOPIC', name: Topics.CHECKINS, operation: 'READ' },
        { principal: 'User:tracing', resource: 'TOPIC', name: Topics.CASES, operation: 'READ' },
        { principal: 'User:tracing', resource: 'GROUP', name: 'tracing', operation: 'READ' },
        { principal: 'User:tracing', resource: 'TOPIC', name: Topics.CONTACTS, operation: 'WRITE' },
        { principal: 'User:tracing', resource: 'TOPIC', name: dlqTopic(Topics.CASES), operation: 'WRITE' },
        { principal: 'User:tracing', resource: 'TOPIC', name: dlqTopic(Topics.CHECKINS), operation: 'WRITE' },
        // Screening groups by venue (issue 18): tracing answers ScreeningGroupRequested from testing.v1.
        { principal: 'User:tracing', resource: 'TOPIC', name: Topics.TESTING, operation: 'READ' },
        { principal: 'User:tracing', resource: 'TOPIC', name: dlqTopic(Topics.TESTING), operation: 'WRITE' },
      ]),
    );
    // DESCRIBE (partitions and offsets, for the lag in /metrics) on the event topics it neither reads nor writes.
    const described = tracing.filter((r) => r.operation === 'DESCRIBE').map((r) => r.name);
    expect(described.sort()).toEqual([Topics.CARE, Topics.QUARANTINE, Topics.SURVEILLANCE]);
    expect(tracing).toHaveLength(11);
    expect(has(plan, 'tracing', 'WRITE', 'TOPIC', Topics.CASES)).toBe(false);
    expect(has(plan, 'tracing', 'WRITE', 'TOPIC', Topics.TESTING)).toBe(false);
  });

  it('gives WRITE on each topic only to its producers (and ops, which replays dead letters)', () => {
    const writers = (topic: string) =>
      plan
        .filter((r) => r.operation === 'WRITE' && r.name === topic)
        .map((r) => r.principal.slice(5))
        .sort();
    expect(writers(Topics.CASES)).toEqual(['cases', 'ops']);
    expect(writers(Topics.CHECKINS)).toEqual(['checkin-gateway', 'feed', 'ops']);
    expect(writers(Topics.CONTACTS)).toEqual(['ops', 'tracing']);
    expect(writers(Topics.TESTING)).toEqual(['ops', 'quarantine']);
    expect(writers(Topics.CARE)).toEqual(['ops', 'quarantine']);
    // A topic's dead letters are written by its consumers.
    expect(writers(dlqTopic(Topics.CASES))).toEqual(['ops', 'quarantine', 'tracing']);
  });

  it('lets the ops monitor read every topic and .dlq in its group and see the services’ offsets', () => {
    for (const t of [...ALL_TOPICS, ...ALL_TOPICS.map(dlqTopic)])
      expect(has(plan, 'ops', 'READ', 'TOPIC', t)).toBe(true);
    expect(has(plan, 'ops', 'READ', 'GROUP', 'ops-monitor')).toBe(true);
    expect(has(plan, 'ops', 'DESCRIBE', 'GROUP', 'tracing')).toBe(true);
    expect(projectAclPlan({ OPS_MONITOR_GROUP: 'monitor-2' }).some((r) => r.name === 'monitor-2')).toBe(true);
  });

  it('has one principal per service plus feed; the checkin-gateway and feed read nothing', () => {
    expect(projectPrincipals()).toEqual(['cases', 'checkin-gateway', 'feed', 'ops', 'quarantine', 'tracing']);
    expect(has(plan, 'checkin-gateway', 'DESCRIBE', 'GROUP', 'checkin-gateway')).toBe(true);
    expect(plan.filter((r) => r.principal === 'User:feed')).toEqual([
      { principal: 'User:feed', resource: 'TOPIC', name: Topics.CHECKINS, operation: 'WRITE' },
    ]);
    expect(plan.some((r) => r.principal === 'User:checkin-gateway' && r.operation === 'READ')).toBe(false);
    expect(describePlan(plan)).toContain('User:tracing\n');
  });
});
