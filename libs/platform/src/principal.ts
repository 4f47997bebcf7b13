import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';

export const ROLES = ['tracer', 'quarantine', 'feed', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The user or system the token was issued to (never personal data: an account id). */
  subject: string;
  roles: Role[];
  /** Area codes the holder serves (from the token's areas claim; empty when it has none). */
  areas: string[];
}

export const ROLES_KEY = 'ct:roles';
export const PUBLIC_KEY = 'ct:public';

/** The roles allowed on a route; `admin` may do everything. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** Routes anyone may call: only health and API docs. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The authenticated caller, for audit records and area scopes. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
