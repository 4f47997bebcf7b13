import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_SERVICES } from '../../tools/start/services';
import { ROUTE_ACCESS } from '../support/route-access';
import { expressRoutes, nestRoutes, openApiRoutes, ServedRoute } from '../support/route-inventory';
import { startService, TestService } from '../support/services';

/**
 * The route inventory (issue 14): every HTTP route the five services serve, read from Nest's
 * controllers and checked against express's router and each OpenAPI document, must be declared in
 * test/support/route-access.ts with the roles its guard enforces and its scope kind; an `area`
 * route names the e2e file that checks it with a token of another area, and that file must call it.
 */
describe('route inventory: every route declared with its roles and area scope', () => {
  let services: TestService[];
  let served: ServedRoute[];

  beforeAll(async () => {
    services = await Promise.all(ALL_SERVICES.map((def) => startService(def)));
    served = services.flatMap((s, i) => nestRoutes(ALL_SERVICES[i].name, s.app));
  }, 120000);

  afterAll(async () => {
    await Promise.all((services ?? []).map((s) => s.close()));
  });

  it("reads each service's routes as its router serves them and as its OpenAPI document lists them", () => {
    for (const [i, s] of services.entries()) {
      const name = ALL_SERVICES[i].name;
      const mine = served.filter((r) => r.service === name).map((r) => r.route);
      // Swagger UI and its JSON/YAML document (/docs*) are served by express outside Nest's
      // controllers: public by design (the API's description, no data).
      const routed = expressRoutes(s.app).filter((r) => !/^GET \/docs([-/]|$)/.test(r));
      expect({ name, routes: [...new Set(routed)].sort() }).toEqual({
        name,
        routes: [...new Set(mine)].sort(),
      });
      // Every documented operation is a route read here (the undocumented: metrics, the dashboard).
      const documented = openApiRoutes(s.openapi as never);
      expect(documented.length).toBeGreaterThan(0);
      expect({ name, missing: documented.filter((r) => !mine.includes(r)) }).toEqual({ name, missing: [] });
    }
    expect(served.length).toBeGreaterThan(100);
  });

  it('declares every served route, and serves every declared one', () => {
    const keys = served.map((r) => `${r.service} ${r.route}`);
    const undeclared = keys.filter((k) => !(k in ROUTE_ACCESS));
    const unserved = Object.keys(ROUTE_ACCESS).filter((k) => !keys.includes(k));
    expect({
      undeclared: undeclared.map((k) => `${k}: declare its roles and scope in test/support/route-access.ts`),
      unserved,
    }).toEqual({ undeclared: [], unserved: [] });
  });

  it('declares the roles each route enforces (@Roles, admin always; @Public)', () => {
    const wrong = served.flatMap((r) => {
      const d = ROUTE_ACCESS[`${r.service} ${r.route}`];
      if (!d) return [];
      const declared = d.roles === 'public' ? 'public' : [...new Set([...d.roles, 'admin'])].sort();
      return JSON.stringify(declared) === JSON.stringify(r.roles)
        ? []
        : [`${r.service} ${r.route}: declared ${JSON.stringify(declared)}, enforced ${JSON.stringify(r.roles)}`];
    });
    expect(wrong).toEqual([]);
  });

  it('gives a reason for every route outside the area scope, and an area route a spec that calls it', () => {
    const problems = Object.entries(ROUTE_ACCESS).flatMap(([key, d]) => {
      if ('why' in d && d.why.trim().length < 10) return [`${key}: say why in a sentence`];
      if (d.scope !== 'area') return [];
      const path = key.split(' ')[2];
      let text: string;
      try {
        text = readFileSync(join(__dirname, '../..', d.spec), 'utf8');
      } catch {
        return [`${key}: spec ${d.spec} not found`];
      }
      // The path as a test writes it: a parameter is any interpolation or literal segment.
      const pattern = path
        .split('/')
        .map((seg) => (seg.startsWith(':') ? '[^/\'"`?\\s]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      return new RegExp(`['"\`}]${pattern}(?=['"\`?$])`).test(text) ? [] : [`${key}: ${d.spec} never calls ${path}`];
    });
    expect(problems).toEqual([]);
  });
});
