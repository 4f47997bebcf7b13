import { returned, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { Channel, CHANNELS } from '../domain/plan';
import { Language, MessageParams, TemplateName } from '../domain/templates';

export type DeliveryState = 'PENDING' | 'RETRYING' | 'SENT' | 'FAILED' | 'SKIPPED' | 'CANCELLED';

export interface NewDelivery {
  eventId: string;
  channel: Channel;
  personId: string;
  template: TemplateName;
  params: MessageParams;
  urgent: boolean;
  quarantineId: string | null;
  dueAt: Date;
}

export interface LeasedDelivery {
  id: string;
  channel: Channel;
  personId: string;
  template: TemplateName;
  params: MessageParams;
  urgent: boolean;
  attempts: number;
  firstAttemptAt: Date;
}

/** Where a person can be reached now (identity data: read here, at send time, never copied). */
export interface Recipient {
  phone: string | null;
  email: string | null;
  language: Language;
  erased: boolean;
  optedOut: Channel[];
}

export interface DeliveryResult {
  id: string;
  state: DeliveryState;
  /** The next attempt (RETRYING). */
  dueAt: Date | null;
  reason: string | null;
  segments: number | null;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : (v as Date).toISOString());

/** cases.notification_deliveries (one row per event, channel and recipient) and cases.notification_preferences. */
@Injectable()
export class DeliveryStore {
  constructor(private readonly tx: TransactionHost) {}

  /**
   * Plans messages in one statement: for each, a row per channel in `channels` that its person can
   * be reached by (SMS: a phone; EMAIL: an e-mail address; APP: the personId, also for people not
   * registered here, whose id is their app account) and has not opted out of; none for an erased
   * person. Returns the rows planned (a row already there is kept and not returned).
   */
  async planMany(
    ms: (Omit<NewDelivery, 'channel' | 'dueAt'> & { due: { sms: Date; other: Date } })[],
    channels: Channel[],
    now: Date,
  ): Promise<{ channel: Channel; dueAt: Date }[]> {
    if (channels.length === 0 || ms.length === 0) return [];
    const rows: { channel: Channel; due_at: Date }[] = await this.tx.manager.query(
      `INSERT INTO cases.notification_deliveries (id, event_id, channel, person_id, template, params, urgent, quarantine_id, due_at, created_at)
       SELECT gen_random_uuid(), m.event_id, c.channel, m.person_id, m.template, m.params, m.urgent, m.quarantine_id,
              CASE WHEN c.channel = 'SMS' THEN m.due_sms ELSE m.due_other END, $9::timestamptz
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::bool[], $6::uuid[], $7::timestamptz[], $8::timestamptz[])
              AS m(event_id, person_id, template, params, urgent, quarantine_id, due_sms, due_other)
        CROSS JOIN unnest($10::text[]) AS c(channel)
         LEFT JOIN cases.persons p ON p.person_id = m.person_id
        WHERE (CASE c.channel WHEN 'SMS' THEN p.phone IS NOT NULL WHEN 'EMAIL' THEN p.email IS NOT NULL ELSE true END)
          AND p.erased_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM cases.notification_preferences n WHERE n.person_id = m.person_id AND n.channel = c.channel AND n.opted_out)
       ON CONFLICT ON CONSTRAINT notification_deliveries_once DO NOTHING RETURNING channel, due_at`,
      [
        ms.map((m) => m.eventId),
        ms.map((m) => m.personId),
        ms.map((m) => m.template),
        ms.map((m) => JSON.stringify(m.params)),
        ms.map((m) => m.urgent),
        ms.map((m) => m.quarantineId),
        ms.map((m) => m.due.sms),
        ms.map((m) => m.due.other),
        now,
        channels,
      ],
    );
    return rows.map((r) => ({ channel: r.channel, dueAt: new Date(r.due_at) }));
  }

  /** Pending test reminders of a quarantine that ended, or whose test dates are no longer in `keep`. */
  async cancelReminders(quarantineId: string, keep: string[] | null, now: Date): Promise<void> {
    await this.tx.manager.query(
      `UPDATE cases.notification_deliveries SET state = 'CANCELLED', done_at = $3, reason = $4, lease_owner = NULL, lease_until = NULL
        WHERE quarantine_id = $1 AND template = 'TEST_REMINDER' AND state IN ('PENDING', 'RETRYING')
          AND ($2::text[] IS NULL OR NOT (params->>'testDate' = ANY($2::text[])))`,
      [quarantineId, keep, now, keep === null ? 'quarantine ended' : 'test no longer scheduled'],
    );
  }

  async recipients(personIds: string[]): Promise<Map<string, Recipient>> {
    const m = this.tx.manager;
    const [persons, prefs]: Record<string, unknown>[][] = await Promise.all([
      m.query(`SELECT person_id, phone, email, language, erased_at FROM cases.persons WHERE person_id = ANY($1)`, [
        personIds,
      ]),
      m.query('SELECT person_id, channel FROM cases.notification_preferences WHERE person_id = ANY($1) AND opted_out', [
        personIds,
      ]),
    ]);
    const out = new Map<string, Recipient>();
    for (const id of personIds) out.set(id, { phone: null, email: null, language: 'vi', erased: false, optedOut: [] });
    for (const r of persons)
      out.set(r.person_id as string, {
        phone: (r.phone as string | null) ?? null,
        email: (r.email as string | null) ?? null,
        language: (r.language as Language | null) ?? 'vi',
        erased: r.erased_at !== null,
        optedOut: [],
      });
    for (const r of prefs) out.get(r.person_id as string)?.optedOut.push(r.channel as Channel);
    return out;
  }

  /** Takes up to `limit` due messages for `owner` for `leaseMs` (FOR UPDATE SKIP LOCKED: replicas never share one). */
  async lease(owner: string, limit: number, leaseMs: number, now: Date): Promise<LeasedDelivery[]> {
    const answer: unknown = await this.tx.manager.query(
      `WITH due AS (
         SELECT id FROM cases.notification_deliveries
          WHERE state IN ('PENDING', 'RETRYING') AND due_at <= $3 AND (lease_until IS NULL OR lease_until < $3)
          ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE cases.notification_deliveries d
          SET lease_owner = $1, lease_until = $3::timestamptz + make_interval(secs => $4 / 1000.0),
              attempts = d.attempts + 1, first_attempt_at = coalesce(d.first_attempt_at, $3)
         FROM due WHERE d.id = due.id
       RETURNING d.id, d.channel, d.person_id, d.template, d.params, d.urgent, d.attempts, d.first_attempt_at`,
      [owner, limit, now, leaseMs],
    );
    return returned<Record<string, unknown>>(answer).map((r) => ({
      id: r.id as string,
      channel: r.channel as Channel,
      personId: r.person_id as string,
      template: r.template as TemplateName,
      params: r.params as MessageParams,
      urgent: r.urgent as boolean,
      attempts: r.attempts as number,
      firstAttemptAt: r.first_attempt_at as Date,
    }));
  }

  /** Records the attempts' outcomes of rows still leased by `owner`. */
  async complete(owner: string, results: DeliveryResult[], now: Date): Promise<void> {
    if (results.length === 0) return;
    await this.tx.manager.query(
      `UPDATE cases.notification_deliveries d
          SET state = r.state, due_at = coalesce(r.due_at, d.due_at), reason = r.reason, segments = coalesce(r.segments, d.segments),
              done_at = CASE WHEN r.state IN ('SENT', 'FAILED', 'SKIPPED') THEN $7::timestamptz END,
              lease_owner = NULL, lease_until = NULL
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::int[]) AS r(id, state, due_at, reason, segments)
        WHERE d.id = r.id AND d.lease_owner = $6`,
      [
        results.map((r) => r.id),
        results.map((r) => r.state),
        results.map((r) => r.dueAt),
        results.map((r) => r.reason),
        results.map((r) => r.segments),
        owner,
        now,
      ],
    );
  }

  /** Gives back leased rows that were not tried (shutdown): as they were, for the next lease. */
  async release(owner: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.tx.manager.query(
      `UPDATE cases.notification_deliveries SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1
        WHERE id = ANY($1::uuid[]) AND lease_owner = $2`,
      [ids, owner],
    );
  }

  /** What was sent to a person (newest first): never the text, which could name others. */
  async list(personId: string, limit: number) {
    const rows: Record<string, unknown>[] = await this.tx.manager.query(
      `SELECT id, event_id, template, channel, state, attempts, reason, segments, created_at, due_at, done_at
         FROM cases.notification_deliveries WHERE person_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [personId, limit],
    );
    return rows.map((r) => ({
      notificationId: r.id as string,
      eventId: r.event_id as string,
      template: r.template as string,
      channel: r.channel as string,
      state: r.state as DeliveryState,
      attempts: r.attempts as number,
      reason: (r.reason as string | null) ?? null,
      segments: (r.segments as number | null) ?? null,
      createdAt: iso(r.created_at),
      dueAt: iso(r.due_at),
      doneAt: iso(r.done_at),
    }));
  }

  async optedOut(personId: string): Promise<Channel[]> {
    return (await this.recipients([personId])).get(personId)!.optedOut;
  }

  async setPreferences(personId: string, receive: Partial<Record<Channel, boolean>>, now: Date): Promise<void> {
    const channels = CHANNELS.filter((c) => receive[c] !== undefined);
    await this.tx.manager.query(
      `INSERT INTO cases.notification_preferences (person_id, channel, opted_out, updated_at)
       SELECT $1, c, o, $4 FROM unnest($2::text[], $3::bool[]) AS r(c, o)
       ON CONFLICT (person_id, channel) DO UPDATE SET opted_out = EXCLUDED.opted_out, updated_at = EXCLUDED.updated_at`,
      [personId, channels, channels.map((c) => !receive[c]), now],
    );
  }
}
