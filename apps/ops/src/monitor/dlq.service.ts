import { EventPublisher } from '@ct/messaging';
import { returned, TransactionHost } from '@ct/platform';
import { Injectable, Logger } from '@nestjs/common';
import { OpsErrors } from '../errors';

export interface DlqEntry {
  id: string;
  dlqTopic: string;
  originalTopic: string;
  originalPartition: number | null;
  originalOffset: string | null;
  eventType: string | null;
  eventId: string | null;
  key: string | null;
  reason: string;
  fields: unknown;
  failedGroup: string | null;
  headers: Record<string, string>;
  value: string | null;
  deadLetteredAt: string;
  replayCount: number;
  lastReplayedAt: string | null;
  /** When the payload (value, key) was removed by the retention pass; null while it is kept. */
  payloadPurgedAt: string | null;
  replays?: { replayedBy: string; replayedAt: string }[];
}

const COLUMNS = `id::text, dlq_topic, original_topic, original_partition, original_offset::text, event_type, event_id, message_key,
  reason, fields, failed_group, headers, value, dead_lettered_at, replay_count, last_replayed_at, payload_purged_at`;

function toEntry(r: any): DlqEntry {
  return {
    id: r.id,
    dlqTopic: r.dlq_topic,
    originalTopic: r.original_topic,
    originalPartition: r.original_partition,
    originalOffset: r.original_offset,
    eventType: r.event_type,
    eventId: r.event_id,
    key: r.message_key,
    reason: r.reason,
    fields: r.fields,
    failedGroup: r.failed_group,
    headers: r.headers,
    value: r.value,
    deadLetteredAt: new Date(r.dead_lettered_at).toISOString(),
    replayCount: r.replay_count,
    lastReplayedAt: r.last_replayed_at ? new Date(r.last_replayed_at).toISOString() : null,
    payloadPurgedAt: r.payload_purged_at ? new Date(r.payload_purged_at).toISOString() : null,
  };
}

/**
 * Removes the payload (value, key) of dead letters older than the retention: a dead-lettered
 * check-in is personal data under the same 21-day rule as the visit store. Returns how many.
 */
export async function purgeDeadLetterPayloads(tx: TransactionHost, cutoff: Date): Promise<number> {
  const rows = await tx.dataSource.query(
    `UPDATE ops.dlq_entries SET value = NULL, message_key = NULL, payload_purged_at = now()
      WHERE payload_purged_at IS NULL AND dead_lettered_at < $1 RETURNING id`,
    [cutoff],
  );
  return returned(rows).length;
}

/** Dead letters of one original topic, failing group and reason. */
export interface DlqGroup {
  /** Stable id of the group (md5 of topic, group and reason), for its replay. */
  key: string;
  originalTopic: string;
  failedGroup: string | null;
  reason: string;
  /** contract, rejected, pg_<SQLSTATE>, exhausted… (the dlq_category header), when the consumer gave one. */
  category: string | null;
  count: number;
  notReplayed: number;
  newestId: string;
  newestAt: string;
  oldestAt: string;
}

const GROUP_KEY = `md5(concat_ws(chr(31), original_topic, coalesce(failed_group, ''), reason))`;

/** The dead letters ops has seen, and their replay (audited in ops.dlq_replays). */
@Injectable()
export class DlqService {
  private readonly logger = new Logger(DlqService.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly publisher: EventPublisher,
  ) {}

  /**
   * Newest first by the numeric id (ORDER BY the column, not the id::text output: that sorted
   * 99, 9, 89), `before` an id for the next page, `group` one reason group's key.
   */
  async list(opts: { topic?: string; limit: number; before?: string; group?: string }): Promise<DlqEntry[]> {
    if (opts.before !== undefined && !/^\d{1,18}$/.test(opts.before)) throw OpsErrors.invalidCursor();
    if (opts.group !== undefined && !/^[0-9a-f]{32}$/.test(opts.group)) throw OpsErrors.invalidGroup();
    const rows = await this.tx.dataSource.query(
      `SELECT ${COLUMNS} FROM ops.dlq_entries e WHERE ($1::text IS NULL OR original_topic = $1 OR dlq_topic = $1)
         AND ($3::bigint IS NULL OR e.id < $3) AND ($4::text IS NULL OR ${GROUP_KEY} = $4)
       ORDER BY e.id DESC LIMIT $2`,
      [opts.topic ?? null, opts.limit, opts.before ?? null, opts.group ?? null],
    );
    return rows.map(toEntry);
  }

  /** Dead letters grouped by original topic, failing group and reason, with counts; the newest group first. */
  async groups(opts: { limit: number; offset: number }): Promise<{ total: number; groups: DlqGroup[] }> {
    const rows = await this.tx.dataSource.query(
      `SELECT ${GROUP_KEY} AS key, original_topic, failed_group, reason, max(headers->>'dlq_category') AS category,
              count(*)::int AS count, count(*) FILTER (WHERE replay_count = 0)::int AS not_replayed,
              max(id)::text AS newest_id, max(dead_lettered_at) AS newest_at, min(dead_lettered_at) AS oldest_at,
              count(*) OVER ()::int AS total
         FROM ops.dlq_entries
        GROUP BY original_topic, failed_group, reason
        ORDER BY max(id) DESC
        LIMIT $1 OFFSET $2`,
      [opts.limit, opts.offset],
    );
    const total =
      rows[0]?.total ??
      (
        await this.tx.dataSource.query(
          'SELECT count(*)::int AS n FROM (SELECT 1 FROM ops.dlq_entries GROUP BY original_topic, failed_group, reason) g',
        )
      )[0].n;
    return {
      total,
      groups: rows.map((r: any) => ({
        key: r.key,
        originalTopic: r.original_topic,
        failedGroup: r.failed_group,
        reason: r.reason,
        category: r.category,
        count: r.count,
        notReplayed: r.not_replayed,
        newestId: r.newest_id,
        newestAt: new Date(r.newest_at).toISOString(),
        oldestAt: new Date(r.oldest_at).toISOString(),
      })),
    };
  }

  /**
   * Replays every dead letter of a group not replayed yet, oldest first (their original order), once
   * its cause is fixed. Each is audited like a single replay; the consumers' inbox and idempotent
   * stores make a repeat harmless.
   */
  async replayGroup(key: string, by: string): Promise<{ key: string; replayed: number }> {
    if (!/^[0-9a-f]{32}$/.test(key)) throw OpsErrors.dlqGroupNotFound(key);
    const ids: { id: string }[] = await this.tx.dataSource.query(
      `SELECT id::text AS id FROM ops.dlq_entries WHERE ${GROUP_KEY} = $1 AND replay_count = 0 ORDER BY dlq_entries.id`,
      [key],
    );
    if (ids.length === 0) {
      const [any] = await this.tx.dataSource.query(`SELECT 1 FROM ops.dlq_entries WHERE ${GROUP_KEY} = $1 LIMIT 1`, [
        key,
      ]);
      if (!any) throw OpsErrors.dlqGroupNotFound(key);
    }
    for (const { id } of ids) await this.replay(id, by);
    this.logger.log({ msg: 'dead-letter group replayed', group: key, replayed: ids.length, replayedBy: by });
    return { key, replayed: ids.length };
  }

  async get(id: string): Promise<DlqEntry> {
    if (!/^\d{1,18}$/.test(id)) throw OpsErrors.dlqEntryNotFound(id);
    const [row] = await this.tx.dataSource.query(`SELECT ${COLUMNS} FROM ops.dlq_entries WHERE id = $1`, [id]);
    if (!row) throw OpsErrors.dlqEntryNotFound(id);
    const entry = toEntry(row);
    const replays = await this.tx.dataSource.query(
      'SELECT replayed_by, replayed_at FROM ops.dlq_replays WHERE entry_id = $1 ORDER BY id',
      [id],
    );
    entry.replays = replays.map((r: any) => ({
      replayedBy: r.replayed_by,
      replayedAt: new Date(r.replayed_at).toISOString(),
    }));
    return entry;
  }

  /**
   * Sends the original value and headers (without the dlq_* ones) to the original topic, then
   * records who replayed it. The send comes first: an audit row always means a message was sent.
   * Replaying twice sends twice; the consumers' inbox makes the second one a no-op if the first
   * was handled.
   */
  async replay(id: string, by: string): Promise<DlqEntry> {
    const entry = await this.get(id);
    if (entry.payloadPurgedAt) {
      throw OpsErrors.dlqPayloadPurged(id, entry.payloadPurgedAt);
    }
    const headers = Object.fromEntries(Object.entries(entry.headers).filter(([k]) => !k.startsWith('dlq_')));
    await this.publisher.send([{ topic: entry.originalTopic, key: entry.key, value: entry.value, headers }]);
    await this.tx.run(async () => {
      await this.tx.manager.query(
        'INSERT INTO ops.dlq_replays (entry_id, replayed_by, target_topic) VALUES ($1, $2, $3)',
        [id, by, entry.originalTopic],
      );
      await this.tx.manager.query(
        'UPDATE ops.dlq_entries SET replay_count = replay_count + 1, last_replayed_at = now() WHERE id = $1',
        [id],
      );
    });
    this.logger.log({
      msg: 'dead letter replayed',
      entryId: id,
      topic: entry.originalTopic,
      eventId: entry.eventId,
      replayedBy: by,
    });
    return this.get(id);
  }
}
