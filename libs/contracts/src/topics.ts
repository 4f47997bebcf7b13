/**
 * Version-1 topics. Each holds the events of one aggregate stream; the message key picks the
 * partition, and Kafka orders messages only within a partition, so the key is whatever must stay
 * in order. A breaking change is a new topic (`*.v2`), never an edit.
 */
export const Topics = {
  /** Key venueId: tracing compares stays at one venue, so a venue's check-ins stay in order together. */
  CHECKINS: 'checkins.v1',
  /**
   * Key personId of the case's person (the F0): a case's confirmation, declared contacts and closing
   * arrive in that order, and a person's profile changes stay in order with their cases.
   */
  CASES: 'cases.v1',
  /**
   * Key personId of the contact: that person's quarantine follows their contacts in order.
   * ScreeningGroupResolved (issue 18) is keyed planId: an answer about a group, not a person.
   */
  CONTACTS: 'contacts.v1',
  /** Key personId: a person's order, extensions and end must not overtake one another. */
  QUARANTINE: 'quarantine.v1',
  /**
   * Key personId: same partition logic as quarantine, so a result never precedes its schedule.
   * ScreeningGroupRequested (issue 18) is keyed planId: a request about a group, not a person.
   */
  TESTING: 'testing.v1',
  /** Key areaCode: an area's level changes apply in the order they were decided. */
  SURVEILLANCE: 'surveillance.v1',
  /**
   * Key personId: a person's isolation order, transfers, daily checks and end stay in order, and in
   * the same partition number as their quarantine.v1 and testing.v1 events.
   * FacilityBedsChanged (issue 16) is keyed facilityId: a facility's beds, not a person.
   */
  CARE: 'care.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);

export function isTopicName(t: string): t is TopicName {
  return (ALL_TOPICS as readonly string[]).includes(t);
}

/** Dead letters of a topic; the reason travels in the DLQ message's headers. */
export function dlqTopic(t: string): string {
  return `${t}.dlq`;
}

/**
 * Who may publish to each topic: the owning service (its Kafka principal, named like the service),
 * and `feed`, the feed CLI (tools/feed) that bulk-loads check-ins. The ACLs (libs/messaging acls.ts)
 * grant WRITE on a topic to these principals only; ops also writes every topic, to replay dead letters.
 */
export const TOPIC_PRODUCERS: Readonly<Record<TopicName, readonly string[]>> = {
  [Topics.CHECKINS]: ['checkin-gateway', 'feed'],
  [Topics.CASES]: ['cases'],
  [Topics.CONTACTS]: ['tracing'],
  [Topics.QUARANTINE]: ['quarantine'],
  [Topics.TESTING]: ['quarantine'],
  [Topics.SURVEILLANCE]: ['ops'],
  [Topics.CARE]: ['quarantine'],
};
