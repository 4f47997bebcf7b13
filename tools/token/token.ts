import 'reflect-metadata';
import { ConfigError, loadConfig, ROLES } from '@ct/platform';
import { parseArgs } from 'node:util';
import { LocalOidcEnv, localIssuerUrl, loadOrCreateSigningKey, mintToken } from '../oidc/local-issuer';

const usage =
  `usage: npm run token -- --role <${ROLES.join('|')}> [--role <another>] [--area <code|*>] [--area <another>] [--subject <account id>] [--ttl 12h]\n` +
  'Mints a token of the local development issuer (the one `npm start` runs; its key is in LOCAL_OIDC_DIR).\n' +
  'An area covers the areas below it; --area "*" covers every area; admin sees all, other roles without --area see nothing.\n' +
  'With OIDC_ISSUER_URL set, tokens come from that identity provider instead.';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      area: { type: 'string', multiple: true },
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
  if (roles.length === 0) fail('--role is required');
  if (unknown.length > 0) fail(`unknown role: ${unknown.join(', ')}`);
  const ttl = /^(\d+)([smhd])$/.exec(values.ttl);
  if (!ttl || Number(ttl[1]) < 1) fail(`--ttl must be a number and a unit (s, m, h, d), e.g. 12h; got ${values.ttl}`);
  const areas = values.area ?? [];
  const badArea = areas.find((a) => a !== '*' && !/^[A-Za-z0-9._-]{1,32}$/.test(a));
  if (badArea !== undefined)
    fail(`--area must be an area code (letters, digits, . _ -) or *, got ${JSON.stringify(badArea)}`);

  let env: LocalOidcEnv;
  try {
    env = loadConfig(LocalOidcEnv);
  } catch (err) {
    fail((err as ConfigError).message);
  }
  const issuer = localIssuerUrl(env);
  if (env.OIDC_ISSUER_URL && env.OIDC_ISSUER_URL !== issuer) {
    fail(
      `OIDC_ISSUER_URL is ${env.OIDC_ISSUER_URL}: the services accept that identity provider's tokens only; sign in there`,
    );
  }
  const key = loadOrCreateSigningKey(env.LOCAL_OIDC_DIR);
  const token = mintToken(key, issuer, {
    subject: values.subject,
    roles,
    areas,
    ttlSeconds: Number(ttl[1]) * UNITS[ttl[2]],
  });
  process.stdout.write(`${token}\n`);
}

main();
