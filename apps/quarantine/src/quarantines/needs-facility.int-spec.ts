import { createEvent, Topics } from '@ct/contracts';
import { EventPublisher, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { http, startService, tap, TestService } from '../../../../test/support/services';
import { QuarantineService } from '../service';

/** No facility has a free place: the order is made anyway, flagged for ops, never dropped. */
describe('quarantine: every facility full', () => {
  let svc: TestService;
  let topics: TopicTap;

  beforeAll(async () => {
    topics = await tap([Topics.QUARANTINE]);
    svc = await startService(QuarantineService, {
      QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
      QUARANTINE_FACILITIES: JSON.stringify([
        { id: `full-${randomUUID().slice(0, 8)}`, name: 'Full', areaCode: '49', capacity: 0 },
      ]),
    });
  });

  afterAll(async () => {
    await Promise.all([svc?.close(), topics?.close()]);
  });

  it('orders CENTRALIZED with needsFacility=true and lists it for ops', async () => {
    const personId = `p-full-${randomUUID()}`;
    const now = Date.now();
    const e = createEvent(
      'ContactIdentified',
      {
        contactId: randomUUID(),
        personId,
        sourcePersonId: 'p-f0-full',
        sourceCaseId: randomUUID(),
        degree: 1,
        exposure: {
          kind: 'HOUSEHOLD',
          venueId: null,
          startedAt: new Date(now - 7200_000).toISOString(),
          endedAt: new Date(now - 3600_000).toISOString(),
        },
        lastExposureAt: new Date(now - 3600_000).toISOString(),
        identifiedAt: new Date(now).toISOString(),
      },
      { source: '/test' },
    );
    await svc.app.get(EventPublisher).publish([e]);
    const [msg] = await topics.waitFor(
      (m: TappedMessage) => m.key?.toString() === personId && String(m.headers?.ce_type) === 'QuarantineOrdered',
    );
    expect(JSON.parse(msg.value!.toString())).toMatchObject({
      personId,
      kind: 'CENTRALIZED',
      facilityId: null,
      needsFacility: true,
    });

    const list = await http(svc.url, 'GET', '/quarantines?needsFacility=true&status=ACTIVE&limit=500', {
      role: 'quarantine',
    });
    expect(list.status).toBe(200);
    expect(list.body.items.map((q: { personId: string }) => q.personId)).toContain(personId);
    const bad = await http(svc.url, 'GET', '/quarantines?overdue=maybe&limit=9999', { role: 'quarantine' });
    expect(bad.status).toBe(400);
    expect((await http(svc.url, 'GET', '/tests?due=2021-02-30', { role: 'quarantine' })).status).toBe(400);
  });
});
