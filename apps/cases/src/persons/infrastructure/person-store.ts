import { inAreaScope, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { PersonRecord } from '../domain/person';

const COLUMNS = `person_id, full_name, phone, national_id, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, address, area_code,
  vaccine_doses, last_dose_at, recovered_at, email, language, underlying_condition, pregnant, created_at, updated_at, erased_at`;

export interface StoredPerson extends PersonRecord {
  createdAt: string;
  updatedAt: string;
  /** Set when the identity fields were erased (fullName, phone, nationalId, dateOfBirth, address are then null). */
  erasedAt: string | null;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : (v as Date).toISOString());

function fromRow(r: Record<string, unknown>): StoredPerson {
  return {
    personId: r.person_id as string,
    fullName: r.full_name as string,
    phone: (r.phone as string | null) ?? null,
    nationalId: (r.national_id as string | null) ?? null,
    dateOfBirth: (r.date_of_birth as string | null) ?? null,
    address: (r.address as string | null) ?? null,
    areaCode: r.area_code as string,
    vaccineDoses: r.vaccine_doses as number,
    lastDoseAt: iso(r.last_dose_at),
    recoveredAt: iso(r.recovered_at),
    email: (r.email as string | null) ?? null,
    language: (r.language as PersonRecord['language']) ?? null,
    underlyingCondition: (r.underlying_condition as boolean | null) ?? null,
    pregnant: (r.pregnant as boolean | null) ?? null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    erasedAt: iso(r.erased_at),
  };
}

/** The persons table: the only place identity data is stored. */
@Injectable()
export class PersonStore {
  constructor(private readonly tx: TransactionHost) {}

  async find(personId: string, forUpdate = false): Promise<StoredPerson | null> {
    const rows = await this.tx.manager.query(
      `SELECT ${COLUMNS} FROM cases.persons WHERE person_id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [personId],
    );
    return rows.length ? fromRow(rows[0]) : null;
  }

  /** Locks the person's row for the transaction; false when the person is not registered. */
  async lockRegistered(personId: string): Promise<boolean> {
    const rows = await this.tx.manager.query('SELECT erased_at FROM cases.persons WHERE person_id = $1 FOR UPDATE', [
      personId,
    ]);
    return rows.length > 0;
  }

  /** By phone or national ID, among the persons of `areas` (null: all areas). */
  async findBy(key: { phone?: string; nationalId?: string }, areas: string[] | null): Promise<StoredPerson[]> {
    const rows = await this.tx.manager.query(
      `SELECT ${COLUMNS} FROM cases.persons WHERE (($1::text IS NOT NULL AND phone = $1) OR ($2::text IS NOT NULL AND national_id = $2))
         AND ${inAreaScope('area_code', 3)} ORDER BY person_id`,
      [key.phone ?? null, key.nationalId ?? null, areas],
    );
    return rows.map(fromRow);
  }

  /** Another person holding the same phone or national ID number, and which of the two matched. */
  async duplicateOf(p: PersonRecord): Promise<{ personId: string; fields: string[] } | null> {
    if (!p.phone && !p.nationalId) return null;
    const rows: { person_id: string; phone: string | null; national_id: string | null }[] = await this.tx.manager.query(
      `SELECT person_id, phone, national_id FROM cases.persons
        WHERE person_id <> $3 AND (($1::text IS NOT NULL AND phone = $1) OR ($2::text IS NOT NULL AND national_id = $2))
        ORDER BY person_id LIMIT 1`,
      [p.phone, p.nationalId, p.personId],
    );
    if (rows.length === 0) return null;
    const r = rows[0];
    const fields = [
      ...(p.nationalId && r.national_id === p.nationalId ? ['nationalId'] : []),
      ...(p.phone && r.phone === p.phone ? ['phone'] : []),
    ];
    return { personId: r.person_id, fields };
  }

  async insert(p: PersonRecord, at: Date): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO cases.persons (person_id, full_name, phone, national_id, date_of_birth, address, area_code, vaccine_doses, last_dose_at, recovered_at, created_at, updated_at, email, language, underlying_condition, pregnant)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15)`,
      [
        p.personId,
        p.fullName,
        p.phone,
        p.nationalId,
        p.dateOfBirth,
        p.address,
        p.areaCode,
        p.vaccineDoses,
        p.lastDoseAt,
        p.recoveredAt,
        at,
        p.email,
        p.language,
        p.underlyingCondition,
        p.pregnant,
      ],
    );
  }

  async update(p: PersonRecord, at: Date): Promise<void> {
    await this.tx.manager.query(
      `UPDATE cases.persons SET full_name = $2, phone = $3, national_id = $4, date_of_birth = $5, address = $6, area_code = $7,
         vaccine_doses = $8, last_dose_at = $9, recovered_at = $10, updated_at = $11, email = $12, language = $13,
         underlying_condition = $14, pregnant = $15 WHERE person_id = $1`,
      [
        p.personId,
        p.fullName,
        p.phone,
        p.nationalId,
        p.dateOfBirth,
        p.address,
        p.areaCode,
        p.vaccineDoses,
        p.lastDoseAt,
        p.recoveredAt,
        at,
        p.email,
        p.language,
        p.underlyingCondition,
        p.pregnant,
      ],
    );
  }
}

/** What the API returns about a person. */
export function personView(p: StoredPerson) {
  return {
    personId: p.personId,
    fullName: p.fullName,
    phone: p.phone,
    nationalId: p.nationalId,
    dateOfBirth: p.dateOfBirth,
    address: p.address,
    areaCode: p.areaCode,
    vaccination: { doses: p.vaccineDoses, lastDoseAt: p.lastDoseAt },
    recoveredAt: p.recoveredAt,
    email: p.email,
    language: p.language,
    underlyingCondition: p.underlyingCondition,
    pregnant: p.pregnant,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    erasedAt: p.erasedAt,
  };
}
