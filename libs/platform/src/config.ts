import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/**
 * Raised at boot when the environment does not describe a runnable service. The message names
 * every bad variable so an operator fixes them all in one go.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Variables whose value is never repeated in a message. */
const SECRET = /PASSWORD|SECRET/;

function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [
    ...(e.constraints
      ? [
          `${e.property}: ${Object.values(e.constraints).join('; ')}` +
            (SECRET.test(e.property) ? '' : ` (got ${JSON.stringify(e.value)})`),
        ]
      : []),
    ...flatten(e.children ?? []),
  ]);
}

/**
 * The only reader of process.env in the project: turns the environment into one validated, typed
 * object. Classes declare variables as decorated properties with defaults as initializers.
 */
export function loadConfig<T extends object>(
  schema: new () => T,
  env: Record<string, string | undefined> = process.env,
): T {
  const defaults = new schema() as Record<string, unknown>;
  const defined: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    // Numbers are converted by the type of the default, so no decorator metadata is needed; a
    // value that is not a number stays a string and fails the class's @IsInt/@IsNumber check.
    const numeric = typeof defaults[key] === 'number' && /^-?\d+(\.\d+)?$/.test(value.trim());
    defined[key] = numeric ? Number(value) : value;
  }
  const config = plainToInstance(schema, defined, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) throw new ConfigError(flatten(errors));
  return config;
}
