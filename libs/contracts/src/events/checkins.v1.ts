import { Id, NotBefore, Text, Timestamp } from '../validation';

/** A stay at a venue, from the check-in app or a venue's own system. */
export class CheckInRecorded {
  /** The feed's id, not ours: redelivered feed records carry the same id. */
  @Id() checkInId: string;
  @Id() personId: string;
  @Id() venueId: string;
  @Timestamp() checkedInAt: string;
  /** null: the person never checked out; tracing applies the default stay length. */
  @Timestamp({ nullable: true }) @NotBefore('checkedInAt', { strictlyAfter: true }) checkedOutAt: string | null;
  /** Which feed recorded it. */
  @Text(128) source: string;
}
