import 'reflect-metadata';
import { BaseEnv, loadConfig, resolveJwtSecret, Role, ROLES, signToken } from '@ct/platform';
import { parseArgs } from 'node:util';

const usage = `usage: npm run token -- --role <${ROLES.join('|')}> [--role <another>] [--subject <name>] [--ttl 12h]`;

function main(): void {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      subject: { type: 'string', default: 'local-user' },
      ttl: { type: 'string', default: '12h' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const roles = values.role ?? [];
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || unknown.length > 0) {
    process.stderr.write(`${roles.length === 0 ? '--role is required' : `unknown role: ${unknown.join(', ')}`}\n${usage}\n`);
    process.exit(2);
  }
  const secret = resolveJwtSecret(loadConfig(BaseEnv));
  const token = signToken({ subject: values.subject!, roles: roles as Role[] }, secret, values.ttl as `${number}h`);
  process.stdout.write(`${token}\n`);
}

main();
