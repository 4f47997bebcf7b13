import '../support/register-paths';
import type { LocalIssuer } from '../../tools/oidc/local-issuer';

/** Stops the fault suite's OIDC issuer (its brokers and services are each scenario's own). */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __OIDC_ISSUER__?: LocalIssuer }).__OIDC_ISSUER__?.close();
}
