import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { AppliedRule, KnownLevel, Level } from '../domain/level-rules';

/**
 * quarantine.area_levels (level changes as published; the latest per area by changedAt, then event
 * id, is in force, whichever order they arrived in) and quarantine.order_rules (the rule an order
 * was made under, with a RULE line in its history).
 */
@Injectable()
export class AreaLevelsStore {
  constructor(private readonly tx: TransactionHost) {}

  async addChange(eventId: string, c: Omit<KnownLevel, 'changedAt'> & { changedAt: string }): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO quarantine.area_levels (event_id, area_code, level, source, changed_at) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (event_id) DO NOTHING`,
      [eventId, c.areaCode, c.level, c.source, c.changedAt],
    );
  }

  /** The level in force of each area (null codes: every area with one). */
  async known(codes: string[] | null): Promise<Map<string, KnownLevel>> {
    const rows: { area_code: string; level: Level; source: KnownLevel['source']; changed_at: Date }[] =
      await this.tx.manager.query(
        `SELECT DISTINCT ON (area_code) area_code, level, source, changed_at FROM quarantine.area_levels
          WHERE $1::text[] IS NULL OR area_code = ANY($1::text[])
          ORDER BY area_code, changed_at DESC, event_id DESC`,
        [codes],
      );
    return new Map(
      rows.map((r) => [
        r.area_code,
        {
          areaCode: r.area_code,
          level: r.level,
          source: r.source,
          changedAt: new Date(r.changed_at).toISOString(),
        },
      ]),
    );
  }

  /** The level each of these orders was made under (absent: made before issue 18, or under DEFAULT). */
  async orderLevels(orderIds: string[]): Promise<Map<string, KnownLevel | null>> {
    if (orderIds.length === 0) return new Map();
    const rows: {
      quarantine_id: string;
      level: Level | null;
      area_code: string;
      source: KnownLevel['source'];
      at: Date;
    }[] = await this.tx.manager.query(
      `SELECT quarantine_id, level, area_code, source, level_changed_at AS at FROM quarantine.order_rules
          WHERE quarantine_id = ANY($1::uuid[])`,
      [orderIds],
    );
    return new Map(
      rows.map((r) => [
        r.quarantine_id,
        r.level === null
          ? null
          : { areaCode: r.area_code, level: r.level, source: r.source, changedAt: new Date(r.at).toISOString() },
      ]),
    );
  }

  /** Records the rule of new orders, and says so in each order's history. */
  async recordApplied(rows: { orderId: string; rule: AppliedRule }[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    const m = this.tx.manager;
    await m.query(
      `INSERT INTO quarantine.order_rules (quarantine_id, rule, level, area_code, source, level_changed_at, applied_at)
       SELECT *, $7::timestamptz FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::timestamptz[])
       ON CONFLICT (quarantine_id) DO NOTHING`,
      [
        rows.map((r) => r.orderId),
        rows.map((r) => r.rule.name),
        rows.map((r) => r.rule.level),
        rows.map((r) => r.rule.areaCode),
        rows.map((r) => r.rule.source),
        rows.map((r) => r.rule.changedAt),
        at,
      ],
    );
    await m.query(
      `INSERT INTO quarantine.quarantine_history (quarantine_id, change, reason, at)
       SELECT id, 'RULE', rule, $3 FROM unnest($1::uuid[], $2::text[]) AS t(id, rule)`,
      [rows.map((r) => r.orderId), rows.map((r) => `rule in force when ordered: ${r.rule.name}`), at],
    );
  }
}
