import { createEvent, EventPayloads, EventType } from '@ct/contracts';
import { consumerGroupLag, EventPublisher, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { eventually, testKafka, TestService } from './services';

/**
 * Waits until a service just started has handled what earlier files left on its topics: its consumer
 * group's committed offsets at the ends of every topic it reads (committed after each batch's
 * transaction). Until then a CaseConfirmed backlog of other areas is being isolated (a case with no
 * free bed in its own area takes one anywhere) and contacts quarantined, concurrently with whatever
 * the test does. The files run one at a time, so nothing else publishes to those topics afterwards.
 */
export async function handledBacklog(svc: TestService, groupId: string, timeoutMs = 90_000): Promise<void> {
  const admin = testKafka('test-backlog').admin();
  await admin.connect();
  try {
    await eventually(
      `${groupId} to handle the backlog on its topics`,
      async () => (await consumerGroupLag(admin, groupId, svc.server.topics())).every((t) => t.lag === 0),
      timeoutMs,
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * What the cases service would send the quarantine service about a person, for the care tests:
 * `profile` (PersonProfileChanged: an unvaccinated adult of `area` with no underlying disease
 * unless `over` says otherwise) and `confirm` (CaseConfirmed by a PCR test, confirmed an hour
 * before the clock's now and sampled an hour earlier; resolves to the case id). `events` waits for
 * `count` messages of a type keyed by the person on a topic of `tap` and gives their payloads.
 */
export function careEvents(o: {
  /** Read at each use: the service and the tap start in beforeAll. */
  publisher: () => EventPublisher;
  tap: () => TopicTap;
  area: string;
  clock: { now(): Date };
}) {
  const publish = <K extends EventType>(type: K, payload: EventPayloads[K]) =>
    o.publisher().publish([createEvent(type, payload, { source: '/test' })]);
  const hoursBefore = (h: number) => new Date(o.clock.now().getTime() - h * 3_600_000).toISOString();
  return {
    publish,
    profile: (personId: string, over: Partial<EventPayloads['PersonProfileChanged']> = {}) =>
      publish('PersonProfileChanged', {
        personId,
        areaCode: o.area,
        vaccineDoses: 0,
        lastDoseAt: null,
        recoveredAt: null,
        changedAt: o.clock.now().toISOString(),
        ageBand: '1_TO_50',
        underlyingCondition: false,
        pregnant: false,
        ...over,
      }),
    confirm: async (personId: string, over: Partial<EventPayloads['CaseConfirmed']> = {}): Promise<string> => {
      const payload: EventPayloads['CaseConfirmed'] = {
        caseId: randomUUID(),
        personId,
        confirmedAt: hoursBefore(1),
        symptomOnsetAt: null,
        sampleTakenAt: hoursBefore(2),
        testType: 'PCR',
        origin: 'TEST_RESULT',
        areaCode: o.area,
        ...over,
      };
      await publish('CaseConfirmed', payload);
      return payload.caseId;
    },
    events: async (topic: string, type: string, personId: string, count = 1) =>
      (
        await o
          .tap()
          .waitFor(
            (m: TappedMessage) =>
              m.topic === topic && m.key?.toString() === personId && String(m.headers?.ce_type) === type,
            count,
          )
      ).map((m) => JSON.parse(m.value!.toString())),
  };
}
