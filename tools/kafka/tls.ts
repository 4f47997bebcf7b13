/**
 * A throwaway certificate authority and a broker certificate for 127.0.0.1/localhost (tests and a
 * local SASL_SSL broker), made with `openssl`. Production brokers get certificates from the
 * deployment's own CA.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BrokerTls {
  /** PEM certificate of the CA: the broker's truststore and the clients' KAFKA_SSL_CA_FILE. */
  caFile: string;
  /** PKCS#12 keystore with the broker's key and certificate chain. */
  keystoreFile: string;
  keystorePassword: string;
}

async function openssl(args: string[], cwd: string, env: Record<string, string> = {}): Promise<void> {
  try {
    await run('openssl', args, { cwd, env: { ...process.env, ...env } });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('kafka: openssl is not on PATH (needed to make test certificates)', { cause: err });
    throw new Error(`kafka: openssl ${args[0]} failed: ${e.stderr?.trim() ?? e.message}`, { cause: err });
  }
}

/** Writes ca.pem and broker.p12 (plus their keys, mode 0600) into `dir`, valid for `days`. */
export async function makeBrokerTls(dir: string, days = 2): Promise<BrokerTls> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const keystorePassword = randomBytes(12).toString('hex');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      String(days),
      '-subj',
      '/CN=contact-tracing test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await openssl(['req', ...ec, '-keyout', 'broker.key', '-out', 'broker.csr', '-subj', '/CN=127.0.0.1'], dir);
  await fsp.writeFile(
    join(dir, 'broker.ext'),
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'extendedKeyUsage=serverAuth,clientAuth',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      '',
    ].join('\n'),
  );
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      'broker.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'broker.pem',
      '-days',
      String(days),
      '-extfile',
      'broker.ext',
    ],
    dir,
  );
  await openssl(
    [
      'pkcs12',
      '-export',
      '-in',
      'broker.pem',
      '-inkey',
      'broker.key',
      '-certfile',
      'ca.pem',
      '-name',
      'broker',
      '-out',
      'broker.p12',
      // From the environment, not argv: other processes can read a command line.
      '-passout',
      'env:KEYSTORE_PASSWORD',
    ],
    dir,
    { KEYSTORE_PASSWORD: keystorePassword },
  );
  for (const f of ['ca.key', 'broker.key', 'broker.p12']) await fsp.chmod(join(dir, f), 0o600);
  return { caFile: join(dir, 'ca.pem'), keystoreFile: join(dir, 'broker.p12'), keystorePassword };
}
