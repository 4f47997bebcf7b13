import './support/register-paths';
import { dropServiceRoles } from '@ct/platform';
import type { RunningBroker } from '../tools/kafka/broker';
import type { LocalIssuer } from '../tools/oidc/local-issuer';

async function step(what: string, work: () => Promise<unknown> | undefined): Promise<void> {
  try {
    await work();
  } catch (err) {
    process.stderr.write(`[test teardown] ${what} failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __KAFKA_BROKER__?: RunningBroker; __OIDC_ISSUER__?: LocalIssuer; __DB_ROLES__?: { url: string; roles: string[] } };
  // The per-service roles of this run: what they own goes to the administrator (kept for a look), then they go.
  await step('dropping the database roles', () => (g.__DB_ROLES__ ? dropServiceRoles(g.__DB_ROLES__.url, g.__DB_ROLES__.roles) : undefined));
  await step('stopping the OIDC issuer', () => g.__OIDC_ISSUER__?.close());
  await step('stopping the broker', () => g.__KAFKA_BROKER__?.stop());
}
