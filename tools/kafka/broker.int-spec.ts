import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { RunningBroker, startBroker } from './broker';

jest.setTimeout(120_000);

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Kafka broker harness', () => {
  let broker: RunningBroker | undefined;

  afterAll(async () => {
    await broker?.stop();
  });

  it('runs a real broker that round-trips a message, and stops without leftovers', async () => {
    const lines: string[] = [];
    broker = await startBroker({ log: (l) => lines.push(l) });
    const { port, pid, dataDir, logFile } = broker;

    expect(broker.brokers).toBe(`127.0.0.1:${port}`);
    expect(isRunning(pid)).toBe(true);
    expect(existsSync(logFile)).toBe(true);
    expect(await connects(port)).toBe(true);
    expect(lines.some((l) => l.includes(`127.0.0.1:${port}`))).toBe(true);

    const kafka = new Kafka({ clientId: 'harness-test', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: 'harness-test', allowAutoTopicCreation: false });
    try {
      await admin.connect();
      const topic = 'harness.roundtrip';
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(true);
      // auto.create.topics.enable=false: an unknown topic must not appear by itself.
      expect(await admin.listTopics()).toEqual([topic]);

      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k1', value: 'hello kafka' }] });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<{ key: string; value: string; offset: string }>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) =>
            resolve({ key: String(message.key), value: String(message.value), offset: message.offset }),
        });
      });
      expect(await received).toEqual({ key: 'k1', value: 'hello kafka', offset: '0' });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.disconnect();
    }

    await broker.stop();
    broker = undefined;

    expect(() => process.kill(pid, 0)).toThrow();
    expect(await connects(port)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });
});
