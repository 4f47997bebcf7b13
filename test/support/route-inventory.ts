import { PUBLIC_KEY, Role, ROLES_KEY } from '@ct/platform';
import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';

/** One HTTP route as Nest registers it: `GET /cases/:id`, with the roles its guard enforces. */
export interface ServedRoute {
  service: string;
  /** `METHOD /path/:param`, Nest's (express's) pattern. */
  route: string;
  /** The roles of @Roles() (admin always added, as the guard does), or 'public' for @Public(). */
  roles: Role[] | 'public';
}

const join = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;
const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : [typeof v === 'string' ? v : '']);

/**
 * Every route of a running Nest app, read from its controllers' metadata (the paths, methods, roles
 * and @Public() the router and the AuthGuard use); `expressRoutes` reads what express actually
 * serves, so a test can check the two agree.
 */
export function nestRoutes(service: string, app: INestApplication): ServedRoute[] {
  const out: ServedRoute[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...a: unknown[]) => unknown) | null;
      if (!ctrl || !Reflect.hasMetadata(PATH_METADATA, ctrl)) continue;
      const proto = ctrl.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        if (!Reflect.hasMetadata(METHOD_METADATA, handler)) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const isPublic =
          (Reflect.getMetadata(PUBLIC_KEY, handler) as boolean | undefined) ??
          (Reflect.getMetadata(PUBLIC_KEY, ctrl) as boolean | undefined);
        const allowed =
          (Reflect.getMetadata(ROLES_KEY, handler) as Role[] | undefined) ??
          (Reflect.getMetadata(ROLES_KEY, ctrl) as Role[] | undefined) ??
          [];
        const roles: ServedRoute['roles'] = isPublic ? 'public' : [...new Set<Role>([...allowed, 'admin'])].sort();
        for (const base of list(Reflect.getMetadata(PATH_METADATA, ctrl)))
          for (const path of list(Reflect.getMetadata(PATH_METADATA, handler)))
            out.push({ service, route: `${method} ${join(base, path)}`, roles });
      }
    }
  }
  return out;
}

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** The routes express serves for the app (method + path pattern), Nest's own and any other. */
export function expressRoutes(app: INestApplication): string[] {
  const instance = app.getHttpAdapter().getInstance() as { router?: { stack: ExpressLayer[] } };
  const stack = instance.router?.stack ?? [];
  return stack.flatMap((l) =>
    l.route
      ? Object.keys(l.route.methods)
          .filter((m) => m !== '_all')
          .flatMap((m) => list(l.route!.path).map((p) => `${m.toUpperCase()} ${p}`))
      : [],
  );
}

/** An OpenAPI document's operations as `METHOD /path/:param`. */
export function openApiRoutes(doc: { paths?: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths ?? {}).flatMap(([template, item]) =>
    Object.keys(item)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => `${m.toUpperCase()} ${template.replace(/\{([^}]+)\}/g, ':$1')}`),
  );
}
