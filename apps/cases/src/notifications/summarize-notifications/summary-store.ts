import { AreaScope, inAreaScope, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { Channel, CHANNELS } from '../domain/plan';

export interface ChannelFigures {
  /** Accepted by the gateway in the period. */
  sent: number;
  /** Failed for good in the period (a 4xx, or retries given up). */
  failed: number;
  /** Now waiting for another attempt after a failed one. */
  retrying: number;
  /** Now due and not yet tried (the backlog). */
  pending: number;
}

export interface RecentFailure {
  notificationId: string;
  /** Only for callers who work with people (tracers); ops sees figures and reasons. */
  personId?: string;
  channel: Channel;
  template: string;
  reason: string | null;
  attempts: number;
  failedAt: string;
}

/** A delivery's area: the person's registered one, else their latest case's (as AreaAccess.personArea). */
const AREA = `COALESCE(p.area_code, (SELECT c.area_code FROM cases.cases c WHERE c.person_id = d.person_id ORDER BY c.confirmed_at DESC, c.id LIMIT 1))`;

/** The figures GET /notifications/summary shows: per channel since `from`, and the latest failures. */
@Injectable()
export class NotificationSummaryStore {
  constructor(private readonly tx: TransactionHost) {}

  /** A person of no known area (an app account only) is counted for callers of every area only. */
  private where(scope: AreaScope, param: number): { join: string; cond: string; params: unknown[] } {
    if (scope.all) return { join: '', cond: 'true', params: [] };
    return {
      join: 'LEFT JOIN cases.persons p ON p.person_id = d.person_id',
      cond: inAreaScope(AREA, param),
      params: [scope.codes()],
    };
  }

  async figures(from: Date, scope: AreaScope): Promise<Record<Channel, ChannelFigures>> {
    const w = this.where(scope, 2);
    const rows: { channel: Channel; state: string; n: number }[] = await this.tx.manager.query(
      `SELECT d.channel, d.state, count(*)::int AS n FROM cases.notification_deliveries d ${w.join}
        WHERE ((d.state IN ('SENT', 'FAILED') AND d.done_at >= $1) OR d.state IN ('PENDING', 'RETRYING')) AND ${w.cond}
        GROUP BY d.channel, d.state`,
      [from, ...w.params],
    );
    const out = Object.fromEntries(CHANNELS.map((c) => [c, { sent: 0, failed: 0, retrying: 0, pending: 0 }])) as Record<
      Channel,
      ChannelFigures
    >;
    for (const r of rows) {
      const key = r.state.toLowerCase() as keyof ChannelFigures;
      if (out[r.channel] && key in out[r.channel]) out[r.channel][key] = r.n;
    }
    return out;
  }

  async failures(from: Date, scope: AreaScope, limit: number, withPerson: boolean): Promise<RecentFailure[]> {
    const w = this.where(scope, 3);
    const rows: Record<string, unknown>[] = await this.tx.manager.query(
      `SELECT d.id, d.person_id, d.channel, d.template, d.reason, d.attempts, d.done_at FROM cases.notification_deliveries d ${w.join}
        WHERE d.state = 'FAILED' AND d.done_at >= $1 AND ${w.cond}
        ORDER BY d.done_at DESC, d.id LIMIT $2`,
      [from, limit, ...w.params],
    );
    return rows.map((r) => ({
      notificationId: r.id as string,
      ...(withPerson ? { personId: r.person_id as string } : {}),
      channel: r.channel as Channel,
      template: r.template as string,
      reason: (r.reason as string | null) ?? null,
      attempts: r.attempts as number,
      failedAt: (r.done_at as Date).toISOString(),
    }));
  }
}
