import type { KafkaSecurity } from '@ct/platform';
import type { TopicRetention } from './topic-retention';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingOptions {
  /** Service name: Kafka client id and consumer group. */
  service: string;
  /** The service's PostgreSQL schema, where its outbox and inbox live. */
  schema: string;
  databaseUrl: string;
  brokers: string[];
  /** SASL_SSL settings (kafkaSecurity() of libs/platform); PLAINTEXT when unset. */
  security?: KafkaSecurity;
  partitions: { checkins: number; default: number };
  /** retention.ms of the topics it provisions (default: DEFAULT_TOPIC_RETENTION). */
  retention?: TopicRetention;
  /** false: this process never relays the outbox (tests that drive the relay by hand). */
  relay?: boolean;
  relayPollMs?: number;
  /** After sending a small batch, how long the relay waits for more before it reads again (default 10). */
  relayLingerMs?: number;
}
