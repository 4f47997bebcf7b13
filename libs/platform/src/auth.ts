import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import jwt from 'jsonwebtoken';

export const ROLES = ['tracer', 'quarantine', 'feed', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The user or system the token was issued to (never personal data: an account id). */
  subject: string;
  roles: Role[];
}

const ROLES_KEY = 'ct:roles';
const PUBLIC_KEY = 'ct:public';

/** The roles allowed on a route; `admin` may do everything. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** Routes anyone may call: only health and API docs. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const AUTH_SECRET = Symbol('AUTH_SECRET');

export function signToken(principal: Principal, secret: string, expiresIn: jwt.SignOptions['expiresIn'] = '12h'): string {
  return jwt.sign({ roles: principal.roles }, secret, { subject: principal.subject, expiresIn, algorithm: 'HS256' });
}

export function verifyToken(token: string, secret: string): Principal {
  const claims = jwt.verify(token, secret, { algorithms: ['HS256'] });
  if (typeof claims === 'string' || typeof claims.sub !== 'string') throw new Error('token has no subject');
  const roles = Array.isArray(claims.roles) ? claims.roles : [claims.role];
  const valid = roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  if (valid.length === 0) throw new Error('token carries no known role');
  return { subject: claims.sub, roles: valid };
}

/**
 * Global guard, deny by default: a route is reachable only when marked @Public() or when the
 * bearer token is valid and carries one of the route's @Roles(). A route without @Roles() is
 * admin-only, so a forgotten decorator never opens data.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly secret: string) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const header = req.headers['authorization'] ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedException('missing bearer token (Authorization: Bearer <JWT>)');
    let principal: Principal;
    try {
      principal = verifyToken(match[1], this.secret);
    } catch (err) {
      throw new UnauthorizedException(`invalid bearer token: ${(err as Error).message}`);
    }
    req.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (principal.roles.includes('admin') || principal.roles.some((r) => allowed.includes(r))) return true;
    throw new ForbiddenException(
      `role ${principal.roles.join(',')} may not call this route; allowed: ${[...allowed, 'admin'].join(', ')}`,
    );
  }
}

/** The authenticated caller, for audit records. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
