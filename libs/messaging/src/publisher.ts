import { EventEnvelope, toKafkaHeaders } from '@ct/contracts';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, Message, Producer } from 'kafkajs';
import { MessagingObserver } from './observer';

export interface OutgoingMessage {
  topic: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers: Record<string, string | Buffer>;
}

export function toOutgoing(e: EventEnvelope): OutgoingMessage {
  return { topic: e.topic, key: e.key, value: JSON.stringify(e.payload), headers: toKafkaHeaders(e.meta) };
}

/**
 * The service's one Kafka producer: idempotent, one request in flight, so that messages of one key
 * land in the order they were sent, exactly once per send even across broker retries.
 */
@Injectable()
export class EventPublisher implements OnApplicationShutdown {
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(private readonly kafka: Kafka, private readonly observer: MessagingObserver) {}

  private connect(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const p = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      try {
        await p.connect();
      } catch (err) {
        this.connecting = undefined;
        throw err;
      }
      this.producer = p;
      return p;
    })();
    return this.connecting;
  }

  async publish(events: EventEnvelope[]): Promise<void> {
    await this.send(events.map(toOutgoing));
  }

  async send(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connect();
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push({ key: m.key, value: m.value, headers: m.headers });
      byTopic.set(m.topic, list);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
    });
    for (const [topic, msgs] of byTopic) this.observer.produced(topic, msgs.length);
  }

  async onApplicationShutdown(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    this.connecting = undefined;
    await p?.disconnect();
  }
}
