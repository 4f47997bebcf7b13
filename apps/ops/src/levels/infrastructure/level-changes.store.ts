import { EpidemicLevel, LevelSource } from '@ct/contracts';
import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

export interface LevelChange {
  eventId: string;
  areaCode: string;
  level: EpidemicLevel;
  previousLevel: EpidemicLevel | null;
  source: LevelSource;
  reason: string | null;
  assessedLevel: EpidemicLevel | null;
  declaredBy: string | null;
  changedAt: string;
}

const COLUMNS = `event_id, area_code, level, previous_level, source, reason, assessed_level, declared_by, changed_at`;

function toChange(r: any): LevelChange {
  return {
    eventId: r.event_id,
    areaCode: r.area_code,
    level: r.level,
    previousLevel: r.previous_level,
    source: r.source,
    reason: r.reason,
    assessedLevel: r.assessed_level,
    declaredBy: r.declared_by,
    changedAt: new Date(r.changed_at).toISOString(),
  };
}

/**
 * ops.level_changes: the level changes of surveillance.v1 as published (one row per event, so a
 * redelivery changes nothing). The level in force is the latest change by changedAt (then event id),
 * whichever its source: a committee's declaration stands until the next assessed change or declaration.
 */
@Injectable()
export class LevelChangesStore {
  constructor(private readonly tx: TransactionHost) {}

  async add(c: LevelChange): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO ops.level_changes (${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (event_id) DO NOTHING`,
      [c.eventId, c.areaCode, c.level, c.previousLevel, c.source, c.reason, c.assessedLevel, c.declaredBy, c.changedAt],
    );
  }

  /** The change in force and the latest declaration of each area (all areas when `codes` is null). */
  async current(codes: string[] | null): Promise<Map<string, { inForce: LevelChange; declared: LevelChange | null }>> {
    const rows: any[] = await this.tx.manager.query(
      `SELECT DISTINCT ON (area_code, source) ${COLUMNS} FROM ops.level_changes
        WHERE $1::text[] IS NULL OR area_code = ANY($1::text[])
        ORDER BY area_code, source, changed_at DESC, event_id DESC`,
      [codes],
    );
    const out = new Map<string, { inForce: LevelChange; declared: LevelChange | null }>();
    for (const c of rows.map(toChange)) {
      const cur = out.get(c.areaCode);
      const declared = c.source === 'DECLARED' ? c : (cur?.declared ?? null);
      const inForce = !cur || later(c, cur.inForce) ? c : cur.inForce;
      out.set(c.areaCode, { inForce, declared });
    }
    return out;
  }
}

function later(a: LevelChange, b: LevelChange): boolean {
  return a.changedAt > b.changedAt || (a.changedAt === b.changedAt && a.eventId > b.eventId);
}

/** What the level routes add: the change in force (assessed or declared) and the latest declaration. */
export function levelInForce(c: { inForce: LevelChange; declared: LevelChange | null } | undefined) {
  const show = (x: LevelChange) => ({
    level: x.level,
    source: x.source,
    reason: x.reason,
    assessedLevel: x.assessedLevel,
    changedAt: x.changedAt,
  });
  return { inForce: c ? show(c.inForce) : null, declared: c?.declared ? show(c.declared) : null };
}
