import { Clock } from '@ct/platform';
import { ChannelSender } from '../channels/channel';
import { afterQuietHours, parseQuietHours } from '../domain/local-time';
import { nextAttemptAt } from '../domain/retry';
import { render } from '../domain/templates';
import { DeliveryResult, LeasedDelivery, Recipient } from '../infrastructure/delivery-store';
import { TemplateCatalog } from '../infrastructure/template-files';
import { NotificationOutcome } from '../notification-metrics';
import { NotifyEnv } from '../notify.config';

export interface AttemptContext {
  sender: ChannelSender;
  templates: TemplateCatalog;
  clock: Clock;
  env: NotifyEnv;
}

const skipped = (id: string, reason: string) => ({
  outcome: 'skipped' as const,
  result: { id, state: 'SKIPPED' as const, dueAt: null, reason, segments: null },
});

/**
 * One attempt at one leased message: the address is read now (a changed phone is used, an erased
 * person or an opt-out since planning stops it), the template rendered in the person's language,
 * the channel called, and the outcome turned into the row's next state.
 */
export async function attemptDelivery(
  row: LeasedDelivery,
  who: Recipient,
  c: AttemptContext,
): Promise<{ outcome: NotificationOutcome; result: DeliveryResult }> {
  if (!c.sender.enabled) return skipped(row.id, 'channel disabled');
  if (who.erased) return skipped(row.id, 'person erased');
  if (who.optedOut.includes(row.channel)) return skipped(row.id, 'opted out');
  const to = c.sender.addressOf(row.personId, who);
  if (to === null) return skipped(row.id, 'no address');
  const message = render(c.templates.get(who.language), row.template, row.params);
  const out = await c.sender.send({ messageId: row.id, personId: row.personId, to, message });
  if (out.ok) {
    return {
      outcome: 'sent',
      result: { id: row.id, state: 'SENT', dueAt: null, reason: null, segments: out.segments ?? null },
    };
  }
  const now = c.clock.now();
  const retryAt = nextAttemptAt(out, row.attempts, new Date(row.firstAttemptAt), now, {
    baseMs: c.env.NOTIFY_RETRY_BASE_MS,
    maxMs: c.env.NOTIFY_RETRY_MAX_MS,
    giveUpAfterMs: c.env.NOTIFY_RETRY_FOR_HOURS * 3_600_000,
  });
  if (retryAt === null) {
    const reason = out.permanent ? out.reason : `gave up after ${row.attempts} attempts: ${out.reason}`;
    return { outcome: 'failed', result: { id: row.id, state: 'FAILED', dueAt: null, reason, segments: null } };
  }
  const quiet = row.channel === 'SMS' && !row.urgent ? parseQuietHours(c.env.NOTIFY_QUIET_HOURS) : null;
  return {
    outcome: 'retrying',
    result: {
      id: row.id,
      state: 'RETRYING',
      dueAt: afterQuietHours(retryAt, quiet),
      reason: out.reason,
      segments: null,
    },
  };
}
