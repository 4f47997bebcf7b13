import { EventEnvelope, toKafkaHeaders } from '@ct/contracts';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, Message, Producer } from 'kafkajs';
import { Worker } from 'node:worker_threads';
import { connectionConfig, KafkaSettings } from './kafka';
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

/** Where a producer thread connects (the service's brokers, client id and SASL_SSL settings). */
export type ProducerThreadSettings = Omit<KafkaSettings, 'logger'>;

type TopicMessages = { topic: string; messages: Message[] }[];

/** The producer's settings, in one place for both modes. */
const PRODUCER = { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false } as const;

/**
 * The producer thread: its own kafkajs client and idempotent producer; sends one batch at a time in
 * the order received (idempotent sequence numbers need that), answers each with ok or the error.
 * Plain JavaScript run with `eval`, so it loads the same way from the build and from ts-jest.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Kafka, logLevel } = require(workerData.kafkajs);
const kafka = new Kafka({
  ...workerData.connection, logLevel: logLevel.WARN,
  logCreator: () => (entry) => parentPort.postMessage({ log: { level: entry.level, namespace: entry.namespace, message: entry.log.message } }),
});
const producer = kafka.producer(workerData.producer);
// Buffers arrive as Uint8Arrays (structured clone): make them Buffers again, without copying.
const buf = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);
const revive = (topicMessages) => {
  for (const t of topicMessages) for (const m of t.messages) {
    m.key = buf(m.key);
    m.value = buf(m.value);
    if (m.headers) for (const k of Object.keys(m.headers)) m.headers[k] = Array.isArray(m.headers[k]) ? m.headers[k].map(buf) : buf(m.headers[k]);
  }
  return topicMessages;
};
let connected;
let queue = Promise.resolve();
parentPort.on('message', (m) => {
  queue = queue.then(async () => {
    try {
      if (m.op === 'close') { if (connected) await producer.disconnect(); parentPort.postMessage({ id: m.id, ok: true }); return; }
      connected ??= producer.connect().catch((err) => { connected = undefined; throw err; });
      await connected;
      await producer.sendBatch({ acks: -1, topicMessages: revive(m.topicMessages) });
      parentPort.postMessage({ id: m.id, ok: true });
    } catch (err) {
      parentPort.postMessage({ id: m.id, error: { name: err && err.name, message: String(err && err.message) } });
    }
  });
});
`;

/**
 * Runs the producer in a worker thread: encoding records (kafkajs builds every record and header
 * in JavaScript, ~65 µs per event with CloudEvents headers) happens beside the service's event
 * loop instead of on it, so a burst of thousands of events does not stall the handlers that are
 * still producing it.
 */
class ProducerThread {
  private worker?: Worker;
  private next = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly log = new Logger('EventPublisher');

  constructor(private readonly settings: ProducerThreadSettings) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      // The same connection settings as the service's own client (credentials and CA as plain data).
      workerData: {
        connection: connectionConfig(this.settings),
        kafkajs: require.resolve('kafkajs'),
        producer: PRODUCER,
      },
    });
    worker.unref();
    worker.on(
      'message',
      (m: {
        id?: number;
        ok?: boolean;
        error?: { name: string; message: string };
        log?: { level: number; namespace: string; message: string };
      }) => {
        if (m.log) {
          this.log.warn(`kafka ${m.log.namespace}: ${m.log.message}`);
          return;
        }
        const p = this.pending.get(m.id!);
        if (!p) return;
        this.pending.delete(m.id!);
        if (m.error) p.reject(Object.assign(new Error(m.error.message), { name: m.error.name || 'Error' }));
        else p.resolve();
      },
    );
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the producer thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private call(msg: object): Promise<void> {
    const worker = this.start();
    const id = ++this.next;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...msg, id });
    });
  }

  send(topicMessages: TopicMessages): Promise<void> {
    return this.call({ op: 'send', topicMessages });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    // The producer disconnects cleanly when it can; a broker that is gone does not hold shutdown up.
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)));
    await Promise.race([this.call({ op: 'close' }).catch(() => undefined), gaveUp]);
    clearTimeout(timer);
    this.worker = undefined;
    await worker.terminate();
  }
}

/**
 * The service's one Kafka producer: idempotent, one request in flight, so that messages of one key
 * land in the order they were sent, exactly once per send even across broker retries. Given
 * `thread` settings, the producer runs in a worker thread (see ProducerThread); otherwise on the
 * caller's thread with the given client.
 */
@Injectable()
export class EventPublisher implements OnApplicationShutdown {
  private producer?: Producer;
  private connecting?: Promise<Producer>;
  private readonly thread?: ProducerThread;

  constructor(
    private readonly kafka: Kafka,
    private readonly observer: MessagingObserver,
    thread?: ProducerThreadSettings,
  ) {
    if (thread) this.thread = new ProducerThread(thread);
  }

  private connect(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const p = this.kafka.producer(PRODUCER);
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
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push({ key: m.key, value: m.value, headers: m.headers });
      byTopic.set(m.topic, list);
    }
    const topicMessages = [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs }));
    if (this.thread) await this.thread.send(topicMessages);
    else await (await this.connect()).sendBatch({ acks: -1, topicMessages });
    for (const [topic, msgs] of byTopic) this.observer.produced(topic, msgs.length);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.thread?.close();
    const p = this.producer;
    this.producer = undefined;
    this.connecting = undefined;
    await p?.disconnect();
  }
}
