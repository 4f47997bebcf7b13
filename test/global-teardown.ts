import './support/register-paths';
import type { RunningBroker } from '../tools/kafka/broker';
import { TEST_LOG_DIR } from './support/env';
import { identityLeaks } from './support/identities';

export default async function globalTeardown(): Promise<void> {
  const broker = (globalThis as { __KAFKA_BROKER__?: RunningBroker }).__KAFKA_BROKER__;
  await broker?.stop();
  // Every log of the run, whichever test wrote it and by whatever path (failing queries included),
  // is free of the names, phone numbers, ID numbers and addresses the tests sent.
  const { values, logs, leaks } = identityLeaks(TEST_LOG_DIR);
  if (values > 0) process.stderr.write(`[test teardown] ${values} identity values sent by tests, looked for in ${logs} service logs: ${leaks.length} found\n`);
  if (leaks.length > 0) throw new Error(`personal data in the service logs of this run (${TEST_LOG_DIR}):\n${leaks.join('\n')}`);
}
