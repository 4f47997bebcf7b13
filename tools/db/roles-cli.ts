import 'reflect-metadata';
import { ConfigError } from '@ct/platform';
import { ALL_SERVICES } from '../start/services';
import { prepareDatabase } from './roles';

/**
 * `npm run db:roles`: for a deployment, with an administrator's DATABASE_URL and one
 * DB_PASSWORD_<SCHEMA> per service: creates the database if missing and the per-service roles,
 * and gives each its schema. Services then migrate on boot as their own role.
 */
async function main(): Promise<void> {
  try {
    await prepareDatabase(ALL_SERVICES, (l) => process.stdout.write(`${l}\n`), {
      migrate: process.argv.includes('--migrate'),
    });
  } catch (err) {
    process.stderr.write(`db:roles: ${(err as Error).message}\n`);
    process.exit(err instanceof ConfigError ? 78 : 1);
  }
}

void main();
