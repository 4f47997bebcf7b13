import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, JWTPayload, jwtVerify } from 'jose';
import { Principal, PUBLIC_KEY, Role, ROLES, ROLES_KEY } from './principal';
import { VerifiedTokens } from './verified-tokens';

/** Only asymmetric algorithms: a service can check a token but never make one. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256'] as const;

export interface OidcSettings {
  /** The issuer's identifier, e.g. https://id.example.gov.vn/realms/health (no trailing slash needed). */
  issuer: string;
  /** The `aud` a token must carry to be accepted by the API. */
  audience: string;
  /** Dotted path of the claim holding the roles (Keycloak: realm_access.roles). */
  rolesClaim: string;
  /** Dotted path of the claim holding the holder's area codes. */
  areasClaim: string;
  /** Largest difference between the issuer's clock and ours that exp/nbf/iat tolerate. */
  clockSkewSeconds: number;
  /** Shortest time between two JWKS downloads caused by unknown key ids. */
  jwksCooldownSeconds: number;
  /** How long the discovered JWKS is kept before it is fetched again. */
  jwksMaxAgeSeconds?: number;
}

/** The token was not accepted; the message says why (it never quotes the token). */
export class TokenRejected extends Error {
  constructor(
    message: string,
    readonly claimedSubject?: string,
  ) {
    super(message);
    this.name = 'TokenRejected';
  }
}

/** The identity provider could not be reached (discovery or JWKS), so no token can be checked now. */
export class IssuerUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IssuerUnavailable';
  }
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A claim as a list of strings: an array of strings, or one string of comma/space-separated values. */
function stringList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  return items
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/** A subject fit for a log line: account ids only; anything that might be personal data is withheld. */
export function loggableSubject(sub: unknown): string {
  return typeof sub === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(sub) ? sub : 'unreadable';
}

/**
 * Checks bearer tokens against an OpenID Connect issuer. The issuer's discovery document is read on
 * first use (and read again after a failure); its JWKS is cached and downloaded again when a token
 * names a key id it does not hold (key rotation), at most once per cooldown. The service holds no key.
 */
export class OidcVerifier {
  private discovery?: Promise<{ issuer: string; jwks: ReturnType<typeof createRemoteJWKSet> }>;
  private readonly verified = new VerifiedTokens();

  constructor(readonly settings: OidcSettings) {}

  private async discover(): Promise<{ issuer: string; jwks: ReturnType<typeof createRemoteJWKSet> }> {
    const configured = trimSlash(this.settings.issuer);
    const url = `${configured}/.well-known/openid-configuration`;
    let doc: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      doc = (await res.json()) as typeof doc;
    } catch (err) {
      throw new IssuerUnavailable(`OIDC discovery at ${url} failed: ${(err as Error).message}`);
    }
    if (typeof doc.issuer !== 'string' || trimSlash(doc.issuer) !== configured) {
      throw new IssuerUnavailable(
        `OIDC discovery at ${url} names issuer ${JSON.stringify(doc.issuer)}, not ${configured}`,
      );
    }
    if (typeof doc.jwks_uri !== 'string') throw new IssuerUnavailable(`OIDC discovery at ${url} has no jwks_uri`);
    const jwks = createRemoteJWKSet(new URL(doc.jwks_uri), {
      cooldownDuration: this.settings.jwksCooldownSeconds * 1000,
      cacheMaxAge: (this.settings.jwksMaxAgeSeconds ?? 600) * 1000,
      timeoutDuration: 5000,
    });
    return { issuer: doc.issuer, jwks };
  }

  /** Reads discovery now (at boot, so a misconfigured issuer shows in the log at once). */
  async warmUp(): Promise<void> {
    await this.keys();
  }

  private keys() {
    this.discovery ??= this.discover().catch((err) => {
      this.discovery = undefined;
      throw err;
    });
    return this.discovery;
  }

  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known) return known;
    let claimedSubject: string | undefined;
    try {
      claimedSubject = loggableSubject(decodeJwt(token).sub);
    } catch {
      throw new TokenRejected('not a JWT');
    }
    const { issuer, jwks } = await this.keys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: this.settings.audience,
        algorithms: [...ACCEPTED_ALGORITHMS],
        clockTolerance: this.settings.clockSkewSeconds,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      if (jwksUnreachable(err)) {
        throw new IssuerUnavailable(`JWKS of ${issuer} could not be read: ${err.message}`);
      }
      const reason =
        err instanceof joseErrors.JOSEAlgNotAllowed
          ? `algorithm not accepted (only ${ACCEPTED_ALGORITHMS.join(', ')})`
          : (err as Error).message;
      throw new TokenRejected(reason, claimedSubject);
    }
    const roles = stringList(claimAt(payload, this.settings.rolesClaim)).filter((r): r is Role =>
      (ROLES as readonly string[]).includes(r),
    );
    if (roles.length === 0)
      throw new TokenRejected(`token carries no known role in ${this.settings.rolesClaim}`, claimedSubject);
    const principal: Principal = {
      subject: payload.sub!,
      roles: [...new Set(roles)],
      areas: [...new Set(stringList(claimAt(payload, this.settings.areasClaim)))],
    };
    this.verified.keep(token, principal, (payload.exp! + this.settings.clockSkewSeconds) * 1000);
    return principal;
  }
}

/** Errors of the JWKS download (timeout, refused connection, bad response), as opposed to a bad token. */
function jwksUnreachable(err: unknown): err is Error {
  if (err instanceof joseErrors.JWKSTimeout) return true;
  if (err instanceof joseErrors.JOSEError)
    return /^(Expected 200 OK|Failed to parse the JSON Web Key Set)/.test(err.message);
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

type AuthRequest = {
  headers: Record<string, string | undefined>;
  method?: string;
  route?: { path?: string };
  principal?: Principal;
  /** Set by the runtime's check before the body is read (authBeforeBody): that token, verified. */
  verifiedBearer?: { token: string; principal: Principal };
};

/**
 * Global guard, deny by default: a route is reachable only when marked @Public() or when the
 * bearer token is valid and carries one of the route's @Roles(). A route without @Roles() is
 * admin-only, so a forgotten decorator never opens data. Every 401 and 403 is logged with the
 * token's subject (never the token).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly log = new Logger('Auth');

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: OidcVerifier,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthRequest>();
    // The route's pattern (/persons/:id), not the URL: a URL may carry values that are nobody's business in a log.
    const route = `${req.method ?? '?'} ${req.route?.path ?? '?'}`;
    const header = req.headers['authorization'] ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      this.log.warn(`401 ${route}: no bearer token (subject none)`);
      throw new UnauthorizedException('missing bearer token (Authorization: Bearer <JWT>)');
    }
    let principal: Principal;
    try {
      const checked = req.verifiedBearer;
      principal = checked?.token === match[1] ? checked.principal : await this.verifier.verify(match[1]);
    } catch (err) {
      if (err instanceof IssuerUnavailable) {
        this.log.error(`503 ${route}: ${err.message}`);
        throw new ServiceUnavailableException(
          'the identity provider cannot be reached to check the token; try again shortly',
        );
      }
      const subject = err instanceof TokenRejected ? (err.claimedSubject ?? 'none') : 'none';
      this.log.warn(`401 ${route}: invalid bearer token (${(err as Error).message}) (subject ${subject})`);
      throw new UnauthorizedException(`invalid bearer token: ${(err as Error).message}`);
    }
    req.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (principal.roles.includes('admin') || principal.roles.some((r) => allowed.includes(r))) return true;
    this.log.warn(
      `403 ${route}: roles ${principal.roles.join(',')} not in ${[...allowed, 'admin'].join(',')} (subject ${loggableSubject(principal.subject)})`,
    );
    throw new ForbiddenException(
      `role ${principal.roles.join(',')} may not call this route; allowed: ${[...allowed, 'admin'].join(', ')}`,
    );
  }
}
