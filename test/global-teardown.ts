import type { RunningBroker } from '../tools/kafka/broker';

export default async function globalTeardown(): Promise<void> {
  const broker = (globalThis as { __KAFKA_BROKER__?: RunningBroker }).__KAFKA_BROKER__;
  await broker?.stop();
}
