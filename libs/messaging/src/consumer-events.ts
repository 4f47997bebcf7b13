import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { MessagingObserver } from './observer';

/** One log line and a metric for each group event: joins, rebalances, crashes and stops. */
export function watchGroup(
  consumer: Consumer,
  { log, observer, groupId }: { log: Logger; observer: MessagingObserver; groupId: string },
  setJoined: (up: boolean) => void,
): void {
  const ev = consumer.events;
  consumer.on(ev.GROUP_JOIN, (e) => {
    setJoined(true);
    const assigned = Object.entries(e.payload.memberAssignment).map(([t, ps]) => `${t}[${ps.join(',')}]`);
    log.info(
      {
        group: groupId,
        memberId: e.payload.memberId,
        leader: e.payload.isLeader,
        durationMs: e.payload.duration,
        assigned,
      },
      'consumer joined its group',
    );
  });
  consumer.on(ev.REBALANCING, (e) => {
    setJoined(false);
    log.warn({ group: groupId, memberId: e.payload.memberId }, 'consumer group rebalancing');
    observer.rebalanced(groupId);
  });
  consumer.on(ev.CRASH, (e) => {
    setJoined(false);
    log.error({ group: groupId, error: safe(e.payload.error), restart: e.payload.restart }, 'consumer crashed');
  });
  consumer.on(ev.STOP, () => setJoined(false));
}

function safe(err: Error | undefined): string {
  return err ? `${err.name}: ${err.message}`.slice(0, 240) : '';
}
