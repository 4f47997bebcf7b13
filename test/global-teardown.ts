import './support/register-paths';
import { dropServiceRoles } from '@ct/platform';
import type { RunningBroker } from '../tools/kafka/broker';
import type { LocalIssuer } from '../tools/oidc/local-issuer';

export default async function globalTeardown(): Promise<void> {
  const broker = (globalThis as { __KAFKA_BROKER__?: RunningBroker }).__KAFKA_BROKER__;
  await broker?.stop();
  await (globalThis as { __OIDC_ISSUER__?: LocalIssuer }).__OIDC_ISSUER__?.close();
  // The per-service roles of this run: what they own goes to the administrator (kept for a look), then they go.
  const dbRoles = (globalThis as { __DB_ROLES__?: { url: string; roles: string[] } }).__DB_ROLES__;
  if (dbRoles) await dropServiceRoles(dbRoles.url, dbRoles.roles);
}
