import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A confirmed case as the tracing service knows it: no identity data, only the pseudonymous id. */
@Entity({ name: 'traced_cases' })
export class TracedCaseEntity {
  @PrimaryColumn('text', { name: 'case_id' }) caseId: string;
  @Column('text', { name: 'person_id' }) personId: string;
  @Column('timestamptz', { name: 'confirmed_at' }) confirmedAt: Date;
  @Column('timestamptz', { name: 'symptom_onset_at', nullable: true }) symptomOnsetAt: Date | null;
  @Column('timestamptz', { name: 'sample_taken_at', nullable: true }) sampleTakenAt: Date | null;
  @Column('text') origin: string;
  @Column('text', { name: 'area_code' }) areaCode: string;
  @Column('timestamptz', { name: 'received_at', default: () => 'now()' }) receivedAt: Date;
}
