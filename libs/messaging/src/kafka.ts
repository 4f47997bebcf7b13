import { Kafka, logLevel, LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  logger?: Logger;
}

export function parseBrokers(list: string): string[] {
  return list.split(',').map((b) => b.trim()).filter(Boolean);
}

/** kafkajs logs through the service's JSON logger; its INFO chatter (joins, rebalances) stays out. */
export function createKafka(s: KafkaSettings): Kafka {
  const log = s.logger;
  return new Kafka({
    clientId: s.clientId,
    brokers: s.brokers,
    connectionTimeout: 5000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!log) return;
      const { message, ...extra } = entry.log;
      const fields = { kafka: { namespace: entry.namespace, ...extra } };
      if (entry.level <= logLevel.ERROR) log.error(fields, message);
      else log.warn(fields, message);
    },
  });
}
