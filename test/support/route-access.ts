import { Role } from '@ct/platform';

/**
 * Who may call each HTTP route of every service, and how it limits what a caller sees (issue 14:
 * area-scoped access). test/e2e/route-inventory.e2e-spec.ts enumerates every route the five
 * services serve (Nest's router, checked against each OpenAPI document) and fails, naming the
 * route, when one is missing here, when one here is not served, or when the roles here are not the
 * ones the route's @Roles()/@Public() enforce. Add a route here in the same change that adds it.
 *
 * Scope kinds:
 * - `area`: area-bound records or figures; another area's record is a 404 (writes alike), lists,
 *   counts, graphs and exports hold only the caller's areas and their sub-areas. `spec` names the
 *   test file (from the repository root) that checks it with a token of another area (the inventory checks the file calls the
 *   path); `unscoped` the roles that see every area there (ops on aggregate figures).
 * - `admin-only`: only admin (who sees everything).
 * - `own-records`: only what the caller made (another caller's: 404); `why` says what.
 * - `not-area-bound`: serves data that has no area; `why` says why that is safe.
 * - `no-personal-data`: nothing about a person or an area's records; `why` says what it serves.
 * - `self-report-link`: public, authorized by a signed per-order link instead of a token.
 * - `health`: probes (public) and their details.
 * - `public-asset`: the dashboard's page and assets (public, no data).
 */
export type RouteAccess =
  | { service: Service; roles: Role[]; scope: 'area'; spec: string; unscoped?: Role[] }
  | { service: Service; roles: ['admin']; scope: 'admin-only' }
  | { service: Service; roles: Role[]; scope: 'own-records' | 'not-area-bound' | 'no-personal-data'; why: string }
  | { service: Service; roles: 'public'; scope: 'self-report-link' | 'health' | 'public-asset' }
  | { service: Service; roles: ['ops']; scope: 'health' };

type Service = 'checkin-gateway' | 'tracing' | 'cases' | 'quarantine' | 'ops';

const SERVICES: Service[] = ['checkin-gateway', 'tracing', 'cases', 'quarantine', 'ops'];
const AREA_SCOPE = 'test/e2e/area-scope.e2e-spec.ts';
const CARE_AND_DATA = 'test/e2e/area-scope-care-and-data.e2e-spec.ts';

/** Routes every service serves (libs/runtime): health probes and the Prometheus scrape. */
const common = (service: Service): Record<string, RouteAccess> => ({
  [`${service} GET /health`]: { service, roles: 'public', scope: 'health' },
  [`${service} GET /health/live`]: { service, roles: 'public', scope: 'health' },
  [`${service} GET /health/ready`]: { service, roles: 'public', scope: 'health' },
  [`${service} GET /health/details`]: { service, roles: ['ops'], scope: 'health' },
  [`${service} GET /metrics`]: {
    service,
    roles: ['ops'],
    scope: 'no-personal-data',
    why: 'Prometheus counters and gauges of the process; no label carries a person or area record',
  },
});

/** Keyed `<service> <METHOD> <path>` with Nest's path pattern (`:id`). */
export const ROUTE_ACCESS: Record<string, RouteAccess> = {
  ...Object.assign({}, ...SERVICES.map(common)),

  // checkin-gateway
  'checkin-gateway POST /checkins': {
    service: 'checkin-gateway',
    roles: ['feed'],
    scope: 'no-personal-data',
    why: 'write-only intake of a venue feed; answers counts of what it accepted, reads nothing back',
  },

  // tracing
  'tracing GET /cases/:id/contacts': { service: 'tracing', roles: ['tracer', 'ops'], scope: 'area', spec: AREA_SCOPE },
  'tracing GET /cases/:id/chain': { service: 'tracing', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'tracing GET /persons/:personId/exposures': {
    service: 'tracing',
    roles: ['tracer'],
    scope: 'area',
    spec: AREA_SCOPE,
  },
  'tracing GET /clusters': { service: 'tracing', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'tracing GET /exposure-sites': {
    service: 'tracing',
    roles: ['tracer', 'quarantine', 'ops'],
    scope: 'area',
    spec: AREA_SCOPE,
    unscoped: ['ops'],
  },
  'tracing PUT /venues': { service: 'tracing', roles: ['admin'], scope: 'admin-only' },

  // cases
  'cases GET /areas': {
    service: 'cases',
    roles: ['tracer', 'quarantine', 'ops'],
    scope: 'no-personal-data',
    why: 'the administrative area list of AREAS_FILE',
  },
  'cases POST /persons/erasure-pass': { service: 'cases', roles: ['admin'], scope: 'admin-only' },
  'cases POST /persons/:id/erase': { service: 'cases', roles: ['admin'], scope: 'admin-only' },
  'cases POST /persons': { service: 'cases', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'cases GET /persons': { service: 'cases', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'cases GET /persons/:id': { service: 'cases', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'cases PATCH /persons/:id': { service: 'cases', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'cases GET /persons/:id/status': { service: 'cases', roles: ['tracer'], scope: 'area', spec: CARE_AND_DATA },
  'cases POST /cases': { service: 'cases', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'cases GET /cases': { service: 'cases', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'cases GET /cases/:id': { service: 'cases', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'cases POST /cases/:id/close': { service: 'cases', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'cases GET /cases/:id/investigation': { service: 'cases', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'cases PATCH /cases/:id/investigation': { service: 'cases', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'cases POST /cases/:id/contacts': { service: 'cases', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'cases GET /cases/:id/declared-contacts': { service: 'cases', roles: ['tracer'], scope: 'area', spec: AREA_SCOPE },
  'cases GET /audit': { service: 'cases', roles: ['admin'], scope: 'admin-only' },
  'cases GET /audit/exports': { service: 'cases', roles: ['admin'], scope: 'admin-only' },
  'cases GET /persons/:id/notifications': { service: 'cases', roles: ['tracer'], scope: 'area', spec: CARE_AND_DATA },
  'cases GET /persons/:id/notification-preferences': {
    service: 'cases',
    roles: ['tracer'],
    scope: 'area',
    spec: CARE_AND_DATA,
  },
  'cases PUT /persons/:id/notification-preferences': {
    service: 'cases',
    roles: ['tracer'],
    scope: 'area',
    spec: CARE_AND_DATA,
  },
  'cases GET /notifications/summary': {
    service: 'cases',
    roles: ['ops', 'tracer'],
    scope: 'area',
    spec: 'apps/cases/src/notifications/notifications.int-spec.ts',
    unscoped: ['ops'],
  },
  'cases POST /lab-results': {
    service: 'cases',
    roles: ['quarantine', 'tracer'],
    scope: 'area',
    spec: 'test/e2e/lab-results.e2e-spec.ts',
  },
  'cases GET /lab-results/unmatched': {
    service: 'cases',
    roles: ['tracer'],
    scope: 'area',
    spec: 'test/e2e/lab-results.e2e-spec.ts',
  },
  'cases POST /lab-results/unmatched/:id': {
    service: 'cases',
    roles: ['tracer'],
    scope: 'area',
    spec: 'test/e2e/lab-results.e2e-spec.ts',
  },
  'cases POST /arrivals': { service: 'cases', roles: ['tracer'], scope: 'area', spec: CARE_AND_DATA },
  'cases POST /arrivals.csv': { service: 'cases', roles: ['tracer'], scope: 'area', spec: CARE_AND_DATA },
  'cases GET /exports/cases.csv': { service: 'cases', roles: ['tracer', 'ops'], scope: 'area', spec: CARE_AND_DATA },
  'cases GET /exports/cases.xlsx': { service: 'cases', roles: ['tracer', 'ops'], scope: 'area', spec: CARE_AND_DATA },
  'cases GET /exports/contacts.csv': {
    service: 'cases',
    roles: ['tracer', 'ops'],
    scope: 'area',
    spec: CARE_AND_DATA,
  },
  'cases GET /exports/contacts.xlsx': {
    service: 'cases',
    roles: ['tracer', 'ops'],
    scope: 'area',
    spec: CARE_AND_DATA,
  },
  'cases POST /imports/persons': { service: 'cases', roles: ['tracer'], scope: 'area', spec: CARE_AND_DATA },
  'cases POST /imports/cases': { service: 'cases', roles: ['tracer'], scope: 'area', spec: CARE_AND_DATA },
  'cases GET /imports/:id': {
    service: 'cases',
    roles: ['tracer'],
    scope: 'own-records',
    why: "an import job's report is its starter's (another tracer's: 404; imports.e2e-spec.ts)",
  },

  // quarantine
  'quarantine POST /tests/:id/result': {
    service: 'quarantine',
    roles: ['quarantine'],
    scope: 'area',
    spec: AREA_SCOPE,
  },
  'quarantine POST /test-results': { service: 'quarantine', roles: ['quarantine'], scope: 'area', spec: AREA_SCOPE },
  'quarantine GET /tests': { service: 'quarantine', roles: ['quarantine'], scope: 'area', spec: AREA_SCOPE },
  'quarantine PUT /persons/:personId/home-eligibility': {
    service: 'quarantine',
    roles: ['quarantine'],
    scope: 'area',
    spec: AREA_SCOPE,
  },
  'quarantine POST /quarantines/:id/cancel': { service: 'quarantine', roles: ['admin'], scope: 'admin-only' },
  'quarantine POST /quarantines/release-pass': { service: 'quarantine', roles: ['admin'], scope: 'admin-only' },
  'quarantine GET /quarantines': { service: 'quarantine', roles: ['quarantine'], scope: 'area', spec: AREA_SCOPE },
  'quarantine GET /quarantines/:id': { service: 'quarantine', roles: ['quarantine'], scope: 'area', spec: AREA_SCOPE },
  'quarantine GET /persons/:personId/quarantines': {
    service: 'quarantine',
    roles: ['quarantine'],
    scope: 'area',
    spec: AREA_SCOPE,
  },
  ...Object.fromEntries(
    ['quarantines', 'tests', 'follow-ups'].flatMap((set) =>
      ['csv', 'xlsx'].map((ext) => [
        `quarantine GET /exports/${set}.${ext}`,
        {
          service: 'quarantine',
          roles: ['quarantine', 'tracer', 'ops'],
          scope: 'area',
          spec: CARE_AND_DATA,
        } satisfies RouteAccess,
      ]),
    ),
  ),
  'quarantine POST /screening-plans/rounds-pass': { service: 'quarantine', roles: ['admin'], scope: 'admin-only' },
  'quarantine POST /screening-plans': {
    service: 'quarantine',
    roles: ['quarantine'],
    scope: 'area',
    spec: CARE_AND_DATA,
  },
  'quarantine GET /screening-plans/:id': {
    service: 'quarantine',
    roles: ['quarantine', 'ops'],
    scope: 'area',
    spec: CARE_AND_DATA,
  },
  'quarantine GET /stats/committee': {
    service: 'quarantine',
    roles: ['ops', 'quarantine', 'tracer'],
    scope: 'area',
    spec: CARE_AND_DATA,
  },
  'quarantine GET /care/facilities': {
    service: 'quarantine',
    roles: ['quarantine', 'ops'],
    scope: 'not-area-bound',
    why: 'treatment facilities and their beds are shared across areas (a case takes a free bed anywhere when its own area has none); counts, no person',
  },
  'quarantine PUT /care/facilities/:id': { service: 'quarantine', roles: ['admin'], scope: 'admin-only' },
  'quarantine GET /isolations': { service: 'quarantine', roles: ['quarantine'], scope: 'area', spec: CARE_AND_DATA },
  'quarantine GET /follow-ups': { service: 'quarantine', roles: ['quarantine'], scope: 'area', spec: CARE_AND_DATA },
  'quarantine POST /follow-ups/:id': {
    service: 'quarantine',
    roles: ['quarantine'],
    scope: 'area',
    spec: CARE_AND_DATA,
  },
  'quarantine POST /self-report-links': {
    service: 'quarantine',
    roles: ['quarantine'],
    scope: 'area',
    spec: CARE_AND_DATA,
  },
  'quarantine POST /self-report/:token': { service: 'quarantine', roles: 'public', scope: 'self-report-link' },
  'quarantine POST /care/pass': { service: 'quarantine', roles: ['admin'], scope: 'admin-only' },

  // ops
  ...Object.fromEntries(
    ['GET /ops/topics', 'GET /ops/topics/:name/events', 'GET /ops/dlq', 'GET /ops/dlq/groups', 'GET /ops/dlq/:id'].map(
      (r) => [
        `ops ${r}`,
        {
          service: 'ops',
          roles: ['ops'],
          scope: 'not-area-bound',
          why: 'monitoring of the topics and dead letters: events carry pseudonymous ids only, and a dead letter may be unreadable and then has no area',
        } satisfies RouteAccess,
      ],
    ),
  ),
  ...Object.fromEntries(
    ['POST /ops/dlq/groups/:key/replay', 'POST /ops/dlq/:id/replay'].map((r) => [
      `ops ${r}`,
      {
        service: 'ops',
        roles: ['ops'],
        scope: 'not-area-bound',
        why: 'sends dead letters back to their topic unchanged; answers counts',
      } satisfies RouteAccess,
    ]),
  ),
  'ops POST /ops/dlq/retention-pass': { service: 'ops', roles: ['admin'], scope: 'admin-only' },
  'ops GET /ops/lag': {
    service: 'ops',
    roles: ['ops'],
    scope: 'no-personal-data',
    why: 'consumer lag per group and partition',
  },
  'ops GET /me': {
    service: 'ops',
    roles: ['tracer', 'quarantine', 'feed', 'ops'],
    scope: 'no-personal-data',
    why: "the caller's own token: subject, roles, areas",
  },
  'ops GET /stats/weekly': {
    service: 'ops',
    roles: ['ops', 'tracer'],
    scope: 'area',
    spec: AREA_SCOPE,
    unscoped: ['ops'],
  },
  'ops GET /stats/areas': {
    service: 'ops',
    roles: ['ops', 'tracer'],
    scope: 'no-personal-data',
    why: 'the administrative area list the figures are kept for (AREAS_FILE)',
  },
  'ops GET /areas/levels': {
    service: 'ops',
    roles: ['ops', 'tracer'],
    scope: 'area',
    spec: AREA_SCOPE,
    unscoped: ['ops'],
  },
  'ops GET /areas/:code/level': {
    service: 'ops',
    roles: ['ops', 'tracer'],
    scope: 'area',
    spec: AREA_SCOPE,
    unscoped: ['ops'],
  },
  'ops PUT /areas/:code/coverage': { service: 'ops', roles: ['admin'], scope: 'admin-only' },
  'ops PUT /areas/:code/level': { service: 'ops', roles: ['admin'], scope: 'admin-only' },
  'ops GET /reports/weekly.pdf': {
    service: 'ops',
    roles: ['ops', 'tracer'],
    scope: 'area',
    spec: 'test/e2e/weekly-report.e2e-spec.ts',
    unscoped: ['ops'],
  },
  'ops GET /reports/weekly.html': {
    service: 'ops',
    roles: ['ops', 'tracer'],
    scope: 'area',
    spec: CARE_AND_DATA,
    unscoped: ['ops'],
  },
  'ops GET /stats/care': {
    service: 'ops',
    roles: ['ops', 'tracer'],
    scope: 'area',
    spec: CARE_AND_DATA,
    unscoped: ['ops'],
  },
  'ops GET /': { service: 'ops', roles: 'public', scope: 'public-asset' },
  'ops GET /dashboard/sign-in.json': { service: 'ops', roles: 'public', scope: 'public-asset' },
  'ops GET /dashboard/:file': { service: 'ops', roles: 'public', scope: 'public-asset' },
};
