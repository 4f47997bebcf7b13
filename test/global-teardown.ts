import './support/register-paths';
import { dropServiceRoles } from '@ct/platform';
import type { RunningBroker } from '../tools/kafka/broker';
import type { LocalIssuer } from '../tools/oidc/local-issuer';
import { TEST_LOG_DIR } from './support/env';
import { identityLeaks } from './support/identities';

async function step(what: string, work: () => Promise<unknown> | undefined): Promise<void> {
  try {
    await work();
  } catch (err) {
    process.stderr.write(`[test teardown] ${what} failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as {
    __KAFKA_BROKER__?: RunningBroker;
    __OIDC_ISSUER__?: LocalIssuer;
    __DB_ROLES__?: { url: string; roles: string[] };
  };
  // The per-service roles of this run: what they own goes to the administrator (kept for a look), then they go.
  await step('dropping the database roles', () =>
    g.__DB_ROLES__ ? dropServiceRoles(g.__DB_ROLES__.url, g.__DB_ROLES__.roles) : undefined,
  );
  await step('stopping the OIDC issuer', () => g.__OIDC_ISSUER__?.close());
  await step('stopping the broker', () => g.__KAFKA_BROKER__?.stop());
  // Every log of the run, whichever test wrote it and by whatever path (failing queries included),
  // is free of the names, phone numbers, ID numbers and addresses the tests sent.
  const { values, logs, leaks } = identityLeaks(TEST_LOG_DIR);
  if (values > 0)
    process.stderr.write(
      `[test teardown] ${values} identity values sent by tests, looked for in ${logs} service logs: ${leaks.length} found\n`,
    );
  if (leaks.length > 0)
    throw new Error(`personal data in the service logs of this run (${TEST_LOG_DIR}):\n${leaks.join('\n')}`);
}
