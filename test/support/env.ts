export const DEFAULT_TEST_DATABASE = 'contact_tracing_test';

/**
 * Where a test run's service logs go; the privacy test scans them for personal data. One folder
 * per test database, so runs with different TEST_DATABASE_NAMEs never wipe each other's logs.
 */
export const TEST_LOG_DIR = `test-artifacts/logs/${process.env.TEST_DATABASE_NAME ?? DEFAULT_TEST_DATABASE}`;

/** The local OIDC issuer's key of a test run (made anew by the global setup). */
export const TEST_OIDC_DIR = `test-artifacts/oidc/${process.env.TEST_DATABASE_NAME ?? DEFAULT_TEST_DATABASE}`;
