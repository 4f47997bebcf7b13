import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { readFileSync } from 'node:fs';
import { ConfigError } from './config';

export const KAFKA_SECURITY_PROTOCOLS = ['PLAINTEXT', 'SASL_SSL'] as const;
export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256'] as const;

/**
 * How a Kafka client reaches the brokers: every service (through BaseEnv), the feed CLI and the
 * tools. PLAINTEXT is for a broker on loopback (`npm start`, the tests); production uses SASL_SSL:
 * SCRAM over TLS, one principal per service (README, Security; `npm run kafka -- acls`).
 */
export class KafkaClientEnv {
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  @IsIn(KAFKA_SECURITY_PROTOCOLS)
  KAFKA_SECURITY_PROTOCOL: (typeof KAFKA_SECURITY_PROTOCOLS)[number] = 'PLAINTEXT';

  @IsIn(KAFKA_SASL_MECHANISMS)
  KAFKA_SASL_MECHANISM: (typeof KAFKA_SASL_MECHANISMS)[number] = 'scram-sha-512';

  /** The SCRAM user: the service's name (tracing, cases, …), feed for the feed CLI, admin for the tools. */
  @IsOptional()
  @IsString()
  KAFKA_SASL_USERNAME?: string;

  /** The SCRAM password; or KAFKA_SASL_PASSWORD_FILE, a file holding it (a mounted secret). Never both. */
  @IsOptional()
  @IsString()
  KAFKA_SASL_PASSWORD?: string;

  @IsOptional()
  @IsString()
  KAFKA_SASL_PASSWORD_FILE?: string;

  /** PEM certificate(s) of the CA that signed the brokers' certificates; unset: the system's CAs. */
  @IsOptional()
  @IsString()
  KAFKA_SSL_CA_FILE?: string;

  /** A client certificate and its key (PEM), for brokers that also ask for one (ssl.client.auth). */
  @IsOptional()
  @IsString()
  KAFKA_SSL_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  KAFKA_SSL_KEY_FILE?: string;
}

/** What createKafka (libs/messaging) needs to connect over SASL_SSL: PEM text and credentials. */
export interface KafkaSecurity {
  sasl: { mechanism: (typeof KAFKA_SASL_MECHANISMS)[number]; username: string; password: string };
  ssl: { ca?: string; cert?: string; key?: string };
}

type SecurityVars = Omit<KafkaClientEnv, 'KAFKA_BROKERS'>;

function readVarFile(variable: string, file: string, problems: string[], pem?: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  if (pem && !text.includes(`-----BEGIN ${pem}`)) {
    problems.push(`${variable}: ${file} holds no PEM ${pem.toLowerCase()}`);
    return undefined;
  }
  return text;
}

/**
 * The client's SASL_SSL settings, or undefined for PLAINTEXT. Fails with a ConfigError naming each
 * bad variable (never a secret's value): SASL_SSL without a user or a password, a password given
 * twice, an unreadable file, a certificate without its key, or security variables with PLAINTEXT
 * (which would otherwise be ignored, and the client would talk in clear).
 */
export function kafkaSecurity(env: SecurityVars): KafkaSecurity | undefined {
  const problems: string[] = [];
  const given = (
    [
      'KAFKA_SASL_USERNAME',
      'KAFKA_SASL_PASSWORD',
      'KAFKA_SASL_PASSWORD_FILE',
      'KAFKA_SSL_CA_FILE',
      'KAFKA_SSL_CERT_FILE',
      'KAFKA_SSL_KEY_FILE',
    ] as const
  ).filter((v) => env[v] !== undefined && env[v] !== '');
  if (env.KAFKA_SECURITY_PROTOCOL === 'PLAINTEXT') {
    if (given.length > 0)
      throw new ConfigError(given.map((v) => `${v}: set, but KAFKA_SECURITY_PROTOCOL is PLAINTEXT (use SASL_SSL)`));
    return undefined;
  }
  const username = env.KAFKA_SASL_USERNAME ?? '';
  if (!username) problems.push('KAFKA_SASL_USERNAME: required when KAFKA_SECURITY_PROTOCOL=SASL_SSL');
  let password: string | undefined;
  if (env.KAFKA_SASL_PASSWORD && env.KAFKA_SASL_PASSWORD_FILE) {
    problems.push('KAFKA_SASL_PASSWORD_FILE: give the password or the file, not both (KAFKA_SASL_PASSWORD is set)');
  } else if (env.KAFKA_SASL_PASSWORD_FILE) {
    password = readVarFile('KAFKA_SASL_PASSWORD_FILE', env.KAFKA_SASL_PASSWORD_FILE, problems)?.replace(/\r?\n$/, '');
    if (password === '') problems.push(`KAFKA_SASL_PASSWORD_FILE: ${env.KAFKA_SASL_PASSWORD_FILE} is empty`);
  } else if (env.KAFKA_SASL_PASSWORD) {
    password = env.KAFKA_SASL_PASSWORD;
  } else {
    problems.push('KAFKA_SASL_PASSWORD: required (or KAFKA_SASL_PASSWORD_FILE) when KAFKA_SECURITY_PROTOCOL=SASL_SSL');
  }
  const ssl: KafkaSecurity['ssl'] = {};
  if (env.KAFKA_SSL_CA_FILE) ssl.ca = readVarFile('KAFKA_SSL_CA_FILE', env.KAFKA_SSL_CA_FILE, problems, 'CERTIFICATE');
  if (!env.KAFKA_SSL_CERT_FILE !== !env.KAFKA_SSL_KEY_FILE) {
    const missing = env.KAFKA_SSL_CERT_FILE ? 'KAFKA_SSL_KEY_FILE' : 'KAFKA_SSL_CERT_FILE';
    problems.push(
      `${missing}: required with ${missing === 'KAFKA_SSL_KEY_FILE' ? 'KAFKA_SSL_CERT_FILE' : 'KAFKA_SSL_KEY_FILE'}`,
    );
  } else if (env.KAFKA_SSL_CERT_FILE && env.KAFKA_SSL_KEY_FILE) {
    ssl.cert = readVarFile('KAFKA_SSL_CERT_FILE', env.KAFKA_SSL_CERT_FILE, problems, 'CERTIFICATE');
    ssl.key = readVarFile('KAFKA_SSL_KEY_FILE', env.KAFKA_SSL_KEY_FILE, problems);
  }
  if (problems.length > 0 || password === undefined) throw new ConfigError(problems);
  return { sasl: { mechanism: env.KAFKA_SASL_MECHANISM, username, password }, ssl };
}
