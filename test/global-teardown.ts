import type { RunningBroker } from '../tools/kafka/broker';
import type { LocalIssuer } from '../tools/oidc/local-issuer';

export default async function globalTeardown(): Promise<void> {
  const broker = (globalThis as { __KAFKA_BROKER__?: RunningBroker }).__KAFKA_BROKER__;
  await broker?.stop();
  await (globalThis as { __OIDC_ISSUER__?: LocalIssuer }).__OIDC_ISSUER__?.close();
}
