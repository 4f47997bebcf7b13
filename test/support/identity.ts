import { rmSync } from 'node:fs';
import { LocalIssuer, startLocalIssuer } from '../../tools/oidc/local-issuer';

/**
 * For a jest global setup: a local OIDC issuer with a fresh key in `dir`, on a free port. Sets
 * OIDC_ISSUER_URL (the services trust it) and TEST_OIDC_DIR (tokenFor/mint sign with its key) for
 * the run; close it in the global teardown.
 */
export async function startTestIssuer(dir: string): Promise<LocalIssuer> {
  rmSync(dir, { recursive: true, force: true });
  const issuer = await startLocalIssuer({ dir });
  process.env.OIDC_ISSUER_URL = issuer.url;
  process.env.TEST_OIDC_DIR = dir;
  return issuer;
}
