import { EventPublisher } from '@ct/messaging';
import { DomainError, TransactionHost } from '@ct/platform';
import { Injectable, Logger } from '@nestjs/common';

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
  return (Array.isArray(rows[0]) ? rows[0] : rows).length;
}

/** The dead letters ops has seen, and their replay (audited in ops.dlq_replays). */
@Injectable()
export class DlqService {
  private readonly logger = new Logger(DlqService.name);

  constructor(private readonly tx: TransactionHost, private readonly publisher: EventPublisher) {}

  async list(opts: { topic?: string; limit: number }): Promise<DlqEntry[]> {
    const rows = await this.tx.dataSource.query(
      `SELECT ${COLUMNS} FROM ops.dlq_entries WHERE ($1::text IS NULL OR original_topic = $1 OR dlq_topic = $1)
       ORDER BY id DESC LIMIT $2`,
      [opts.topic ?? null, opts.limit],
    );
    return rows.map(toEntry);
  }

  async get(id: string): Promise<DlqEntry> {
    if (!/^\d{1,18}$/.test(id)) throw new DomainError('dlq_entry_not_found', `no dead letter ${id}`, 'not_found');
    const [row] = await this.tx.dataSource.query(`SELECT ${COLUMNS} FROM ops.dlq_entries WHERE id = $1`, [id]);
    if (!row) throw new DomainError('dlq_entry_not_found', `no dead letter ${id}`, 'not_found');
    const entry = toEntry(row);
    const replays = await this.tx.dataSource.query(
      'SELECT replayed_by, replayed_at FROM ops.dlq_replays WHERE entry_id = $1 ORDER BY id',
      [id],
    );
    entry.replays = replays.map((r: any) => ({ replayedBy: r.replayed_by, replayedAt: new Date(r.replayed_at).toISOString() }));
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
      throw new DomainError('dlq_payload_purged', `dead letter ${id} can no longer be replayed: its payload was removed on ${entry.payloadPurgedAt} (OPS_DLQ_PAYLOAD_RETENTION_DAYS)`, 'conflict');
    }
    const headers = Object.fromEntries(Object.entries(entry.headers).filter(([k]) => !k.startsWith('dlq_')));
    await this.publisher.send([{ topic: entry.originalTopic, key: entry.key, value: entry.value, headers }]);
    await this.tx.run(async () => {
      await this.tx.manager.query('INSERT INTO ops.dlq_replays (entry_id, replayed_by, target_topic) VALUES ($1, $2, $3)', [id, by, entry.originalTopic]);
      await this.tx.manager.query('UPDATE ops.dlq_entries SET replay_count = replay_count + 1, last_replayed_at = now() WHERE id = $1', [id]);
    });
    this.logger.log({ msg: 'dead letter replayed', entryId: id, topic: entry.originalTopic, eventId: entry.eventId, replayedBy: by });
    return this.get(id);
  }
}
