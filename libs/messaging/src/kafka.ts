import type { KafkaSecurity } from '@ct/platform';
import { Kafka, KafkaConfig, logLevel, LogEntry, SASLOptions } from 'kafkajs';
/** Where kafkajs's warnings and errors go: the service's JSON logger (pino, or an adapter of Nest's Logger). */
export interface KafkaLogSink {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  logger?: KafkaLogSink;
  /** SASL_SSL (kafkaSecurity() of libs/platform, from KAFKA_SECURITY_PROTOCOL …); PLAINTEXT when unset. */
  security?: KafkaSecurity;
}

/**
 * Every client's connection settings, in one place: the services' clients, the producer thread
 * (publisher.ts, which gets them as plain data), the feed CLI and the tools.
 */
export function connectionConfig(s: Omit<KafkaSettings, 'logger'>): KafkaConfig {
  return {
    clientId: s.clientId,
    brokers: s.brokers,
    connectionTimeout: 5000,
    retry: { initialRetryTime: 200, retries: 8 },
    ...(s.security && {
      ssl: { ...s.security.ssl, rejectUnauthorized: true },
      // A union kafkajs spells per mechanism; both SCRAM variants take the same fields.
      sasl: { ...s.security.sasl } as SASLOptions,
    }),
  };
}

export function parseBrokers(list: string): string[] {
  return list
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

/**
 * kafkajs logs through the service's JSON logger; its INFO chatter stays out (joins and rebalances
 * are logged by the consumer itself, server.ts). During an outage kafkajs repeats the same error
 * for every retry: a line repeated within 10 s is counted, not written again.
 */
export function createKafka(s: KafkaSettings): Kafka {
  const log = s.logger;
  const recent = new Map<string, { at: number; suppressed: number }>();
  return new Kafka({
    ...connectionConfig(s),
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!log) return;
      const { message, ...extra } = entry.log;
      const key = `${entry.namespace}|${message}|${JSON.stringify((extra as { broker?: unknown }).broker ?? '')}`;
      const seen = recent.get(key);
      const now = Date.now();
      if (seen && now - seen.at < 10_000) {
        seen.suppressed += 1;
        return;
      }
      recent.set(key, { at: now, suppressed: 0 });
      if (recent.size > 200) recent.delete(recent.keys().next().value!);
      const fields = { kafka: { namespace: entry.namespace, ...extra, repeatedBefore: seen?.suppressed ?? 0 } };
      if (entry.level <= logLevel.ERROR) log.error(fields, message);
      else log.warn(fields, message);
    },
  });
}
