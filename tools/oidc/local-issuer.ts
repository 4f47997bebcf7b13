import { createHash, createPrivateKey, generateKeyPairSync, JsonWebKey, KeyObject, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { loadConfig, type Role } from '@ct/platform';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/**
 * The project's own OpenID Connect issuer for development and tests (never for production): an
 * ES256 key pair generated once into a local folder (mode 0600, out of git), a discovery document
 * and a JWKS on a loopback port. Services check its tokens exactly as they check the department's
 * identity provider's: they only ever see the public key. Tokens look like Keycloak's
 * (realm_access.roles, an `areas` claim, aud = the API's client id).
 */

export const LOCAL_ISSUER_DEFAULT_PORT = 3010;
export const LOCAL_ISSUER_AUDIENCE = 'contact-tracing-api';
const KEY_FILE = 'signing-key.jwk.json';

export interface LocalSigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: KeyObject;
  publicJwk: JsonWebKey & { kid: string; alg: 'ES256' | 'RS256'; use: 'sig' };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** RFC 7638 thumbprint of a public key (its required members in lexicographic order): the key id. */
function thumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return b64url(createHash('sha256').update(JSON.stringify(members)).digest());
}

function fromPrivateJwk(jwk: JsonWebKey): LocalSigningKey {
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const kid = thumbprint(jwk);
  if (jwk.kty === 'RSA') {
    const { kty, n, e } = jwk;
    return { kid, alg: 'RS256', privateKey, publicJwk: { kty, n, e, kid, alg: 'RS256', use: 'sig' } };
  }
  const { kty, crv, x, y } = jwk;
  return { kid, alg: 'ES256', privateKey, publicJwk: { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' } };
}

/** A new key (not stored): for key-rotation and algorithm tests. */
export function generateSigningKey(alg: 'ES256' | 'RS256' = 'ES256'): LocalSigningKey {
  const { privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return fromPrivateJwk(privateKey.export({ format: 'jwk' }));
}

/** The key in `dir`, generated there on first use (private key file mode 0600). */
export function loadOrCreateSigningKey(dir: string): LocalSigningKey {
  const file = join(resolve(dir), KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(resolve(dir), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    try {
      writeFileSync(file, JSON.stringify(privateKey.export({ format: 'jwk' })), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return fromPrivateJwk(JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey);
}

export interface MintOptions {
  subject: string;
  roles: Role[] | string[];
  areas?: string[];
  /** Lifetime in seconds (default 12 h); negative mints an expired token. */
  ttlSeconds?: number;
  audience?: string;
  /** Claims to add or override (tests: a wrong iss, no exp, …); `undefined` removes a claim. */
  claims?: Record<string, unknown>;
  /** Header fields to override (tests: alg, kid). */
  header?: Record<string, unknown>;
  /** Seconds added to the issuer's clock (tests: clock skew). */
  clockOffsetSeconds?: number;
}

/** Signs a token (ES256 or RS256 by the key; synchronous) the way the local issuer does. */
export function mintToken(key: LocalSigningKey, issuer: string, o: MintOptions): string {
  const now = Math.floor(Date.now() / 1000) + (o.clockOffsetSeconds ?? 0);
  const payload: Record<string, unknown> = {
    iss: issuer,
    sub: o.subject,
    aud: o.audience ?? LOCAL_ISSUER_AUDIENCE,
    iat: now,
    exp: now + (o.ttlSeconds ?? 12 * 3600),
    typ: 'Bearer',
    azp: 'contact-tracing-local',
    realm_access: { roles: o.roles },
    areas: o.areas ?? [],
    ...o.claims,
  };
  for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
  const header = { alg: key.alg, typ: 'JWT', kid: key.kid, ...o.header };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature =
    key.alg === 'RS256'
      ? sign('sha256', Buffer.from(input), key.privateKey)
      : sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

export interface LocalIssuer {
  /** The issuer identifier (= its base URL), the value for OIDC_ISSUER_URL. */
  url: string;
  key: LocalSigningKey;
  mint(o: MintOptions): string;
  /** Serves another key next to (or instead of) the current one: key rotation. */
  publish(keys: LocalSigningKey[]): void;
  /** JWKS downloads served so far. */
  jwksRequests(): number;
  close(): Promise<void>;
}

/** Starts the issuer on 127.0.0.1 (port 0 = a free port). */
export async function startLocalIssuer(o: { dir: string; port?: number; host?: string }): Promise<LocalIssuer> {
  const key = loadOrCreateSigningKey(o.dir);
  let published = [key];
  let jwksCount = 0;
  let url = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return json(405, { error: 'method not allowed' });
    if (path === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: url,
        jwks_uri: `${url}/jwks`,
        id_token_signing_alg_values_supported: ['ES256', 'RS256'],
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
        // No authorization or token endpoint: tokens come from `npm run token` (development only).
      });
    }
    if (path === '/jwks') {
      jwksCount++;
      return json(200, { keys: published.map((k) => k.publicJwk) });
    }
    json(404, { error: 'not found' });
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(o.port ?? 0, host, () => res());
  });
  url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    key,
    mint: (m) => mintToken(key, url, m),
    publish: (keys) => (published = keys),
    jwksRequests: () => jwksCount,
    close: () =>
      new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      }),
  };
}

/** What `npm start` and `npm run token` read about the local issuer. */
export class LocalOidcEnv {
  /** Set: the department's identity provider; `npm start` then starts no local issuer. */
  @IsOptional()
  @IsString()
  OIDC_ISSUER_URL?: string;

  /** Where the local issuer's key pair is kept (mode 0600, out of git). */
  @IsString()
  LOCAL_OIDC_DIR = '.local/oidc';

  @IsInt()
  @Min(1)
  @Max(65535)
  LOCAL_OIDC_PORT = LOCAL_ISSUER_DEFAULT_PORT;
}

export const localIssuerUrl = (env: LocalOidcEnv) => `http://127.0.0.1:${env.LOCAL_OIDC_PORT}`;

/**
 * For `npm start`: unless OIDC_ISSUER_URL names an identity provider, starts the local issuer on
 * LOCAL_OIDC_PORT and sets OIDC_ISSUER_URL for the services started after it.
 */
export async function startLocalIdentity(out: (line: string) => void): Promise<LocalIssuer | undefined> {
  const env = loadConfig(LocalOidcEnv);
  if (env.OIDC_ISSUER_URL) {
    out(`identity: tokens from ${env.OIDC_ISSUER_URL}`);
    return undefined;
  }
  const issuer = await startLocalIssuer({ dir: env.LOCAL_OIDC_DIR, port: env.LOCAL_OIDC_PORT });
  process.env.OIDC_ISSUER_URL = issuer.url;
  out(
    `identity: local development issuer at ${issuer.url} (key in ${env.LOCAL_OIDC_DIR}; tokens: npm run token -- --role tracer --area 49)`,
  );
  return issuer;
}
