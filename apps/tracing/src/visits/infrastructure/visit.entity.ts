import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A stay at a venue (tracing.visits, partitioned by day of checked_in_at). Written in batches by
 * VisitStore with plain SQL; the entity is for readers (co-location queries) that prefer TypeORM.
 */
@Entity({ name: 'visits' })
export class VisitEntity {
  @PrimaryColumn('text', { name: 'check_in_id' }) checkInId: string;
  @PrimaryColumn('timestamptz', { name: 'checked_in_at' }) checkedInAt: Date;
  @Column('text', { name: 'person_id' }) personId: string;
  @Column('text', { name: 'venue_id' }) venueId: string;
  @Column('timestamptz', { name: 'checked_out_at', nullable: true }) checkedOutAt: Date | null;
  /** checked_out_at, else checked_in_at + TRACING_DEFAULT_STAY_MINUTES. */
  @Column('timestamptz', { name: 'ends_at' }) endsAt: Date;
  @Column('text') source: string;
  @Column('timestamptz', { name: 'received_at', default: () => 'now()' }) receivedAt: Date;
}
