/** Where the test suite's logs go; the privacy test scans them for personal data. */
export const TEST_LOG_DIR = 'test-artifacts/logs';
export const DEFAULT_TEST_DATABASE = 'contact_tracing_test';
