import { ConfigError } from './config';

/**
 * Retention settings that would keep personal data without limit are refused in production:
 * a variable that is absent, not a number, zero or negative (for the periodic jobs' intervals, 0
 * means "never run"; for topics, "the broker's default"). Development and tests may use 0.
 * Throws a ConfigError naming every such variable.
 */
export function refuseUnboundedRetention(
  env: { NODE_ENV: string },
  settings: Record<string, number | string | null | undefined>,
): void {
  if (env.NODE_ENV !== 'production') return;
  const problems = Object.entries(settings)
    .filter(([, v]) => typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    .map(
      ([name, v]) =>
        `${name}: must be a positive number when NODE_ENV=production (got ${v === undefined || v === null ? 'nothing' : JSON.stringify(v)}); personal data would otherwise be kept without limit`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
}
