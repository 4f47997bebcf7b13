import { createEvent, EventPayloads, EventType } from '@ct/contracts';
import { EventPublisher, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { Clock, ServiceClock } from '@ct/platform';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CarePassJob } from '../../apps/quarantine/src/care/care-pass/care-pass.job';
import { QuarantineService } from '../../apps/quarantine/src/service';
import { db, handledBacklog, startService, tap, TestService } from './services';

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

export interface CareService extends ReturnType<typeof careEvents> {
  svc: TestService;
  pass: CarePassJob;
  /** A plain client on the test database. */
  pg: Client;
  /** The tap on the file's topics. */
  tap: TopicTap;
  publisher: EventPublisher;
}

/**
 * The quarantine service of a care test file. Registers beforeAll: a tap on `topics`, the service
 * with its timers off (the tests run the care pass themselves), `facilities` as CARE_FACILITIES and
 * `env` on top, on the file's clock, a pg client, and then waits for the backlog earlier files left
 * (handledBacklog); and afterAll, which closes them. The answer is filled in by that beforeAll (take
 * svc, pass, pg... from it in the file's own hooks and tests); its careEvents helpers work at once.
 */
export function careService(o: {
  area: string;
  clock: Clock;
  topics: string[];
  facilities: { id: string; name: string; areaCode: string; capacity: number }[];
  env?: Record<string, string>;
}): CareService {
  const care = careEvents({
    publisher: () => care.publisher,
    tap: () => care.tap,
    area: o.area,
    clock: o.clock,
  }) as CareService;
  beforeAll(async () => {
    care.tap = await tap(o.topics);
    care.svc = await startService(QuarantineService, {
      QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
      CARE_PASS_INTERVAL_SECONDS: '0',
      CARE_FACILITIES: JSON.stringify(o.facilities),
      ...o.env,
    });
    care.svc.app.get(ServiceClock).use(o.clock);
    care.publisher = care.svc.app.get(EventPublisher);
    care.pass = care.svc.app.get(CarePassJob);
    care.pg = await db();
    await handledBacklog(care.svc, QuarantineService.name);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([care.svc?.close(), care.tap?.close(), care.pg?.end()]);
  });
  return care;
}
