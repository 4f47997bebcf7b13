import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One run of the visit retention job: which day partitions it dropped and how many stays they held. */
@Entity({ name: 'visit_retention_runs' })
export class RetentionRunEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id: string;
  @Column('timestamptz', { name: 'started_at' }) startedAt: Date;
  @Column('timestamptz', { name: 'finished_at' }) finishedAt: Date;
  /** Stays checked in before this instant were due for purge. */
  @Column('timestamptz') cutoff: Date;
  @Column('text', { name: 'dropped_partitions', array: true }) droppedPartitions: string[];
  @Column('bigint', { name: 'purged_rows' }) purgedRows: string;
}
