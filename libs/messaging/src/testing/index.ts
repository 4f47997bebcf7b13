/**
 * Helpers for tests, benchmarks and tools only (never imported by apps/ or libs/ production code;
 * .dependency-cruiser.cjs enforces it).
 */
export * from './tap';
