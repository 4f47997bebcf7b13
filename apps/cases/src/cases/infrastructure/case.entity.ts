import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'cases' })
export class CaseEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'person_id' }) personId: string;
  @Column('timestamptz', { name: 'confirmed_at' }) confirmedAt: Date;
  @Column('timestamptz', { name: 'symptom_onset_at', nullable: true }) symptomOnsetAt: Date | null;
  @Column('timestamptz', { name: 'sample_taken_at', nullable: true }) sampleTakenAt: Date | null;
  @Column('text', { name: 'test_type' }) testType: string;
  @Column('text') origin: string;
  @Column('text', { name: 'area_code' }) areaCode: string;
  @Column('text') status: 'OPEN' | 'CLOSED';
  @Column('uuid', { name: 'source_test_id', nullable: true }) sourceTestId: string | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column('text', { nullable: true }) outcome: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** What the API returns about a case. */
export function caseView(c: CaseEntity) {
  return {
    caseId: c.id,
    personId: c.personId,
    status: c.status,
    confirmedAt: c.confirmedAt.toISOString(),
    symptomOnsetAt: iso(c.symptomOnsetAt),
    sampleTakenAt: iso(c.sampleTakenAt),
    testType: c.testType,
    origin: c.origin,
    areaCode: c.areaCode,
    sourceTestId: c.sourceTestId,
    closedAt: iso(c.closedAt),
    outcome: c.outcome,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
