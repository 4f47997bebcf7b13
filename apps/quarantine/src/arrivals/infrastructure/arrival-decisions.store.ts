import { ArrivalDecided } from '@ct/contracts';
import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

/** quarantine.arrivals: one decision per arrival (a redelivered ArrivalRegistered finds it made). */
@Injectable()
export class ArrivalDecisionsStore {
  constructor(private readonly tx: TransactionHost) {}

  async exists(arrivalId: string): Promise<boolean> {
    const rows = await this.tx.manager.query('SELECT 1 FROM quarantine.arrivals WHERE arrival_id = $1', [arrivalId]);
    return rows.length > 0;
  }

  async insert(d: ArrivalDecided): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO quarantine.arrivals (arrival_id, person_id, origin_area_code, destination_area_code, arrived_at, origin_level,
         level_source, action, quarantine_id, rule, decided_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
      [
        d.arrivalId,
        d.personId,
        d.originAreaCode,
        d.destinationAreaCode,
        d.arrivedAt,
        d.originLevel,
        d.levelSource,
        d.action,
        d.quarantineId,
        d.rule,
        d.decidedAt,
      ],
    );
  }
}
