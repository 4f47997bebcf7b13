import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

export interface Arrival {
  arrivalId: string;
  personId: string;
  originAreaCode: string;
  destinationAreaCode: string;
  arrivedAt: string;
  checkpoint: string | null;
  registeredAt: string;
}

/** cases.arrivals: who arrived from where, when (no identity data beyond the personId). */
@Injectable()
export class ArrivalStore {
  constructor(private readonly tx: TransactionHost) {}

  async insert(a: Arrival, by: string): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO cases.arrivals (id, person_id, origin_area_code, destination_area_code, arrived_at, checkpoint, registered_at, registered_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [a.arrivalId, a.personId, a.originAreaCode, a.destinationAreaCode, a.arrivedAt, a.checkpoint, a.registeredAt, by],
    );
  }

  async personExists(personId: string): Promise<boolean> {
    const rows = await this.tx.manager.query('SELECT 1 FROM cases.persons WHERE person_id = $1', [personId]);
    return rows.length > 0;
  }
}
