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
  @Column('text') status: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
