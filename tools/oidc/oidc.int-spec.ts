import { IssuerUnavailable, OidcSettings, OidcVerifier, TokenRejected } from '@ct/platform';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CasesService } from '../../apps/cases/src/service';
import { http, mint, startService, TestService } from '../../test/support/services';
import { freePort } from '../kafka/broker';
import { generateSigningKey, LocalIssuer, mintToken, startLocalIssuer } from './local-issuer';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('OpenID Connect bearer tokens (local issuer, real HTTP JWKS)', () => {
  let issuer: LocalIssuer;
  let dir: string;
  const settings = (o: Partial<OidcSettings> = {}): OidcSettings => ({
    issuer: issuer.url,
    audience: 'contact-tracing-api',
    rolesClaim: 'realm_access.roles',
    areasClaim: 'areas',
    clockSkewSeconds: 30,
    jwksCooldownSeconds: 0,
    ...o,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ct-oidc-'));
    issuer = await startLocalIssuer({ dir });
  });
  afterAll(() => issuer.close());

  it('keeps its private key in a file only its owner can read, and publishes only the public half', async () => {
    const file = join(dir, 'signing-key.jwk.json');
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).d).toEqual(expect.any(String));
    const jwks = (await (await fetch(`${issuer.url}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: issuer.key.kid });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const discovery = (await (await fetch(`${issuer.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    expect(discovery).toMatchObject({ issuer: issuer.url, jwks_uri: `${issuer.url}/jwks` });
  });

  it('accepts an ES256 token of the issuer: subject, known roles only, areas', async () => {
    const verifier = new OidcVerifier(settings());
    const token = issuer.mint({
      subject: 'u-1',
      roles: ['tracer', 'offline_access', 'default-roles-ct'],
      areas: ['49', '49.503'],
    });
    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'u-1',
      roles: ['tracer'],
      areas: ['49', '49.503'],
    });
  });

  it('reads roles and areas from the configured claims (a list, or one comma-separated string)', async () => {
    const verifier = new OidcVerifier(
      settings({ rolesClaim: 'resource_access.contact-tracing-api.roles', areasClaim: 'ct.areas' }),
    );
    const token = issuer.mint({
      subject: 'u-2',
      roles: [],
      claims: { resource_access: { 'contact-tracing-api': { roles: ['ops', 'quarantine'] } }, ct: { areas: '49, 48' } },
    });
    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'u-2',
      roles: ['ops', 'quarantine'],
      areas: ['49', '48'],
    });
    // The default claim is not read when another is configured.
    await expect(verifier.verify(issuer.mint({ subject: 'u-2', roles: ['admin'] }))).rejects.toThrow(
      /no known role in resource_access/,
    );
  });

  it('accepts RS256 from the JWKS', async () => {
    const rsa = generateSigningKey('RS256');
    issuer.publish([issuer.key, rsa]);
    try {
      const verifier = new OidcVerifier(settings());
      await expect(
        verifier.verify(mintToken(rsa, issuer.url, { subject: 'u-rsa', roles: ['feed'] })),
      ).resolves.toMatchObject({ roles: ['feed'] });
    } finally {
      issuer.publish([issuer.key]);
    }
  });

  it.each<[string, () => string, RegExp]>([
    [
      'expired beyond the allowed skew',
      () => issuer.mint({ subject: 'x', roles: ['tracer'], ttlSeconds: -31 }),
      /"exp" claim timestamp check failed/,
    ],
    [
      'without exp',
      () => issuer.mint({ subject: 'x', roles: ['tracer'], claims: { exp: undefined } }),
      /missing required "exp" claim/,
    ],
    [
      'without sub',
      () => issuer.mint({ subject: 'x', roles: ['tracer'], claims: { sub: undefined } }),
      /missing required "sub" claim/,
    ],
    [
      'of another issuer',
      () => issuer.mint({ subject: 'x', roles: ['tracer'], claims: { iss: 'http://127.0.0.1:1/evil' } }),
      /unexpected "iss" claim value/,
    ],
    [
      'for another audience',
      () => issuer.mint({ subject: 'x', roles: ['tracer'], audience: 'account' }),
      /unexpected "aud" claim value/,
    ],
    [
      'not yet valid beyond the skew',
      () => issuer.mint({ subject: 'x', roles: ['tracer'], claims: { nbf: Math.floor(Date.now() / 1000) + 120 } }),
      /"nbf" claim timestamp check failed/,
    ],
    [
      'with no known role',
      () => issuer.mint({ subject: 'x', roles: ['offline_access'] }),
      /no known role in realm_access.roles/,
    ],
    [
      'signed with a key the issuer does not publish',
      () => mintToken(generateSigningKey(), issuer.url, { subject: 'x', roles: ['admin'] }),
      /no applicable key found/,
    ],
    [
      'whose payload was altered after signing',
      () => {
        const [h, , s] = issuer.mint({ subject: 'x', roles: ['tracer'] }).split('.');
        const now = Math.floor(Date.now() / 1000);
        return `${h}.${b64({ iss: issuer.url, aud: 'contact-tracing-api', sub: 'x', exp: now + 60, realm_access: { roles: ['admin'] } })}.${s}`;
      },
      /signature verification failed/,
    ],
    [
      'signed with a shared secret (HS256)',
      () => {
        const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: issuer.key.kid })}.${b64({ iss: issuer.url, aud: 'contact-tracing-api', sub: 'x', exp: Math.floor(Date.now() / 1000) + 60, realm_access: { roles: ['admin'] } })}`;
        return `${input}.${createHmac('sha256', 'secret').update(input).digest('base64url')}`;
      },
      /algorithm not accepted \(only RS256, ES256\)/,
    ],
    [
      'unsigned (alg none)',
      () =>
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: issuer.url, aud: 'contact-tracing-api', sub: 'x', exp: Math.floor(Date.now() / 1000) + 60, realm_access: { roles: ['admin'] } })}.`,
      /algorithm not accepted/,
    ],
    ['that is not a JWT', () => 'not.a.jwt', /not a JWT/],
  ])('rejects a token %s', async (_, token, reason) => {
    const verifier = new OidcVerifier(settings());
    const err = await verifier.verify(token()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRejected);
    expect((err as Error).message).toMatch(reason);
  });

  it('tolerates the configured clock skew and no more', async () => {
    const verifier = new OidcVerifier(settings({ clockSkewSeconds: 30 }));
    // The issuer's clock runs 20 s behind (token expired 20 s ago by ours) or 20 s ahead (nbf in our future).
    await expect(
      verifier.verify(issuer.mint({ subject: 's', roles: ['ops'], ttlSeconds: -20 })),
    ).resolves.toMatchObject({ subject: 's' });
    const ahead = issuer.mint({
      subject: 's',
      roles: ['ops'],
      clockOffsetSeconds: 20,
      claims: { nbf: Math.floor(Date.now() / 1000) + 20 },
    });
    await expect(verifier.verify(ahead)).resolves.toMatchObject({ subject: 's' });
    const strict = new OidcVerifier(settings({ clockSkewSeconds: 0 }));
    await expect(strict.verify(issuer.mint({ subject: 's', roles: ['ops'], ttlSeconds: -20 }))).rejects.toThrow(
      /"exp"/,
    );
  });

  it('remembers a checked token only until it expires', async () => {
    const verifier = new OidcVerifier(settings({ clockSkewSeconds: 0 }));
    const token = issuer.mint({ subject: 'brief', roles: ['tracer'], ttlSeconds: 2 });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'brief' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'brief' });
    await new Promise((r) => setTimeout(r, 2_100));
    await expect(verifier.verify(token)).rejects.toThrow(/"exp"/);
  });

  it('caches the JWKS and downloads it again when a token names a new key id (rotation)', async () => {
    const verifier = new OidcVerifier(settings());
    const before = issuer.jwksRequests();
    await verifier.verify(issuer.mint({ subject: 'r', roles: ['tracer'] }));
    await verifier.verify(issuer.mint({ subject: 'r', roles: ['tracer'] }));
    expect(issuer.jwksRequests() - before).toBe(1);
    const next = generateSigningKey();
    issuer.publish([issuer.key, next]);
    try {
      await expect(
        verifier.verify(mintToken(next, issuer.url, { subject: 'r2', roles: ['quarantine'] })),
      ).resolves.toMatchObject({ subject: 'r2' });
      expect(issuer.jwksRequests() - before).toBe(2);
      // The old key still works from the cache: no download.
      await verifier.verify(issuer.mint({ subject: 'r', roles: ['tracer'] }));
      expect(issuer.jwksRequests() - before).toBe(2);
    } finally {
      issuer.publish([issuer.key]);
    }
  });

  it('says the issuer is unavailable (not that the token is bad) when discovery cannot be read, and retries later', async () => {
    const port = await freePort();
    const verifier = new OidcVerifier(settings({ issuer: `http://127.0.0.1:${port}` }));
    const err = await verifier.verify(issuer.mint({ subject: 'u', roles: ['tracer'] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IssuerUnavailable);
    // A discovery document that names another issuer is not trusted.
    const impostor = createServer((_, res) =>
      res.end(JSON.stringify({ issuer: issuer.url, jwks_uri: `${issuer.url}/jwks` })),
    );
    await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', () => r()));
    try {
      const other = new OidcVerifier(
        settings({ issuer: `http://127.0.0.1:${(impostor.address() as AddressInfo).port}` }),
      );
      const refused = await other.verify(issuer.mint({ subject: 'u', roles: ['tracer'] })).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(IssuerUnavailable);
      expect((refused as Error).message).toMatch(/names issuer/);
    } finally {
      impostor.close();
    }
    // A trailing slash in the configuration names the same issuer.
    const slash = new OidcVerifier(settings({ issuer: `${issuer.url}/` }));
    await expect(slash.verify(issuer.mint({ subject: 'u', roles: ['tracer'] }))).resolves.toMatchObject({
      subject: 'u',
    });
  });
});

describe("the guard of a service (cases) with tokens of the run's issuer", () => {
  let cases: TestService;
  beforeAll(async () => {
    cases = await startService(CasesService);
  });
  afterAll(() => cases?.close());

  it('answers 401 to an expired token and 403 to a wrong role, logging the subject and never the token', async () => {
    const expired = mint({ subject: 'acct-expired-1', roles: ['tracer'], ttlSeconds: -3600 });
    const res = await http(cases.url, 'GET', '/areas', { token: expired });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/"exp" claim timestamp check failed/);
    const wrongRole = mint({ subject: 'acct-feed-1', roles: ['feed'] });
    expect((await http(cases.url, 'GET', '/areas', { token: wrongRole })).status).toBe(403);
    expect(
      (await http(cases.url, 'GET', '/areas', { token: mint({ subject: 'acct-ok', roles: ['tracer'] }) })).status,
    ).toBe(200);

    const log = readFileSync(cases.logFile, 'utf8');
    expect(log).toMatch(/401 GET \/areas: invalid bearer token .*subject acct-expired-1/);
    expect(log).toMatch(/403 GET \/areas: roles feed not in .*subject acct-feed-1/);
    for (const token of [expired, wrongRole]) expect(log).not.toContain(token.split('.')[2]);
  });
});

describe('a service whose identity provider cannot be reached', () => {
  let cases: TestService;
  beforeAll(async () => {
    cases = await startService(CasesService, { OIDC_ISSUER_URL: `http://127.0.0.1:${await freePort()}` });
  });
  afterAll(() => cases?.close());

  it('answers 503 (not 401, not 500) to a token it cannot check, and stays healthy', async () => {
    const res = await http(cases.url, 'GET', '/areas', { token: mint({ subject: 'acct-503', roles: ['tracer'] }) });
    expect(res.status).toBe(503);
    expect(res.body.message).toMatch(/identity provider cannot be reached/);
    expect((await http(cases.url, 'GET', '/areas')).status).toBe(401);
    expect((await http(cases.url, 'GET', '/health')).status).toBe(200);
  });
});
