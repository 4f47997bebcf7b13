import { IsIn, MinLength } from 'class-validator';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { BaseEnv } from './env';
import { kafkaSecurity } from './kafka-env';

const dir = mkdtempSync(join(tmpdir(), 'kafka-env-spec-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const CA = file('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

/** The problems of a configuration, or [] when it is accepted. */
function problems(vars: Record<string, string>): string[] {
  try {
    kafkaSecurity(loadConfig(BaseEnv, vars));
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe(kafkaSecurity.name, () => {
  const sasl = { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_USERNAME: 'tracing', KAFKA_SSL_CA_FILE: CA };

  it('is PLAINTEXT (undefined) by default, as npm start and the tests use it', () => {
    expect(kafkaSecurity(loadConfig(BaseEnv, {}))).toBeUndefined();
  });

  it('gives SCRAM-SHA-512 credentials and the CA for SASL_SSL, the password from a file without its newline', () => {
    const fromFile = kafkaSecurity(
      loadConfig(BaseEnv, { ...sasl, KAFKA_SASL_PASSWORD_FILE: file('pw', 's3cret-from-file\n') }),
    );
    expect(fromFile).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'tracing', password: 's3cret-from-file' },
      ssl: { ca: expect.stringContaining('BEGIN CERTIFICATE') },
    });
    const inline = kafkaSecurity(loadConfig(BaseEnv, { ...sasl, KAFKA_SASL_PASSWORD: 'inline' }));
    expect(inline?.sasl.password).toBe('inline');
  });

  it('names the variable of each mistake, never a password', () => {
    expect(problems({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' })).toEqual([
      expect.stringMatching(/^KAFKA_SASL_USERNAME: required/),
      expect.stringMatching(/^KAFKA_SASL_PASSWORD: required/),
    ]);
    const both = problems({ ...sasl, KAFKA_SASL_PASSWORD: 'hunter2', KAFKA_SASL_PASSWORD_FILE: file('pw2', 'x') });
    expect(both).toEqual([expect.stringMatching(/^KAFKA_SASL_PASSWORD_FILE: give the password or the file/)]);
    expect(both.join(' ')).not.toContain('hunter2');
    expect(problems({ ...sasl, KAFKA_SASL_PASSWORD_FILE: join(dir, 'missing') })).toEqual([
      expect.stringMatching(/^KAFKA_SASL_PASSWORD_FILE: cannot read .*missing \(ENOENT\)/),
    ]);
    expect(problems({ ...sasl, KAFKA_SASL_PASSWORD: 'p', KAFKA_SSL_CA_FILE: file('not.pem', 'hello') })).toEqual([
      expect.stringMatching(/^KAFKA_SSL_CA_FILE: .*holds no PEM certificate/),
    ]);
    expect(problems({ ...sasl, KAFKA_SASL_PASSWORD: 'p', KAFKA_SSL_CERT_FILE: CA })).toEqual([
      expect.stringMatching(/^KAFKA_SSL_KEY_FILE: required with KAFKA_SSL_CERT_FILE/),
    ]);
    expect(problems({ KAFKA_SECURITY_PROTOCOL: 'SSL' })).toEqual([expect.stringMatching(/^KAFKA_SECURITY_PROTOCOL: /)]);
  });

  it('refuses SASL settings with PLAINTEXT, which would otherwise send in clear', () => {
    expect(problems({ KAFKA_SASL_USERNAME: 'tracing', KAFKA_SASL_PASSWORD: 'hunter2' })).toEqual([
      'KAFKA_SASL_USERNAME: set, but KAFKA_SECURITY_PROTOCOL is PLAINTEXT (use SASL_SSL)',
      'KAFKA_SASL_PASSWORD: set, but KAFKA_SECURITY_PROTOCOL is PLAINTEXT (use SASL_SSL)',
    ]);
  });

  it('never repeats a password variable’s value in a validation message (other values are shown)', () => {
    class Secretive {
      @MinLength(12)
      SOME_PASSWORD = '';
      @IsIn(['a'])
      MODE = 'a';
    }
    const error = (() => {
      try {
        loadConfig(Secretive, { SOME_PASSWORD: 'hunter2', MODE: 'b' });
      } catch (err) {
        return err as ConfigError;
      }
      return undefined;
    })();
    expect(error?.problems).toEqual([
      expect.stringMatching(/^SOME_PASSWORD: /),
      expect.stringMatching(/^MODE: .*\(got "b"\)$/),
    ]);
    expect(error?.message).not.toContain('hunter2');
  });
});
