/**
 * A local SASL_SSL setup in one directory, kept between runs: a test CA and broker certificate
 * (tls/), and one password file per principal (<name>.password, mode 0600) for the admin, every
 * service and the feed CLI, to be given as KAFKA_SASL_PASSWORD_FILE. Nothing secret is printed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectPrincipals } from './acls';
import { BrokerSecurity, SUPER_USER } from './config';
import { makeBrokerTls } from './tls';

export async function prepareSaslDir(dir: string): Promise<BrokerSecurity> {
  const root = resolve(dir);
  await fsp.mkdir(root, { recursive: true, mode: 0o700 });
  const tlsFile = join(root, 'tls.json');
  // The keystore's password sits next to the keystore: this is a development setup.
  if (!existsSync(tlsFile))
    await fsp.writeFile(tlsFile, JSON.stringify(await makeBrokerTls(join(root, 'tls'))), { mode: 0o600 });
  const tls = JSON.parse(await fsp.readFile(tlsFile, 'utf8')) as BrokerSecurity['tls'];
  const users: Record<string, string> = {};
  for (const name of [SUPER_USER, ...projectPrincipals()]) {
    const file = join(root, `${name}.password`);
    if (!existsSync(file)) await fsp.writeFile(file, `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600 });
    users[name] = (await fsp.readFile(file, 'utf8')).trim();
  }
  return { users, tls };
}
