import { decodeJwt } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { Client } from 'pg';
import { CasesService } from '../../apps/cases/src/service';
import { OpsService } from '../../apps/ops/src/service';
import { db, http, mint, startService, TestService } from '../../test/support/services';
import { freePort } from '../kafka/broker';
import { Edge } from '../start/edge';
import { RunningKeycloak, startKeycloak } from './keycloak';

/**
 * The services against a real Keycloak (26.x, start-dev) with the realm the project ships
 * (docker/keycloak/contact-tracing-realm.json): two staff accounts of different areas sign in with
 * a direct grant on a test client and call the API through the edge, as the dashboard would.
 */
const REALM_FILE = join(__dirname, '..', '..', 'docker', 'keycloak', 'contact-tracing-realm.json');
const START_TIMEOUT_MS = 420_000;
const CHROMIUM = '/usr/bin/chromium';

describe('identity from a real Keycloak through the edge', () => {
  let keycloak: RunningKeycloak;
  let cases: TestService;
  let ops: TestService;
  let edge: Edge;
  let base: string;
  let pg: Client;
  const realm = JSON.parse(readFileSync(REALM_FILE, 'utf8')) as {
    realm: string;
    clients: { clientId: string; redirectUris?: string[]; protocolMappers?: unknown[] }[];
    users?: unknown[];
  };
  const password = randomBytes(12).toString('base64url');
  const users = {
    quangNamTracer: { username: 'tracer-49', roles: ['tracer'], areas: ['49'] },
    daNangOps: { username: 'ops-48', roles: ['ops', 'quarantine'], areas: ['48', '48.490'] },
    hoiAnTracer: { username: 'tracer-503', roles: ['tracer'], areas: ['503'] },
    nationalTracer: { username: 'tracer-national', roles: ['tracer'], areas: ['*'] },
  };

  beforeAll(async () => {
    keycloak = await startKeycloak({
      heapMb: 512,
      timeoutMs: START_TIMEOUT_MS,
      log: (l) => process.stderr.write(`[keycloak test] ${l}\n`),
    });
    process.stderr.write(`[keycloak test] keycloak answered ${(keycloak.startMs / 1000).toFixed(1)} s after spawn\n`);
    const dashboard = realm.clients.find((c) => c.clientId === 'contact-tracing-dashboard')!;
    // The edge's address is the dashboard's redirect URI, as a department sets its base URL.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    await keycloak.importRealm({
      ...realm,
      clients: [
        ...realm.clients.filter((c) => c !== dashboard),
        { ...dashboard, redirectUris: [`${base}/*`] },
        // Test-only client: the resource-owner password grant, with the dashboard's mappers (audience, areas).
        {
          clientId: 'contact-tracing-test',
          enabled: true,
          publicClient: true,
          directAccessGrantsEnabled: true,
          standardFlowEnabled: false,
          protocolMappers: dashboard.protocolMappers,
        },
        // Another application of the same realm, whose tokens are not meant for the API (no audience mapper).
        {
          clientId: 'some-other-app',
          enabled: true,
          publicClient: true,
          directAccessGrantsEnabled: true,
          standardFlowEnabled: false,
        },
      ],
      users: [
        ...(realm.users ?? []),
        ...Object.values(users).map((u) => ({
          username: u.username,
          enabled: true,
          email: `${u.username}@example.test`,
          emailVerified: true,
          firstName: 'Staff',
          lastName: u.username,
          attributes: { areas: u.areas },
          realmRoles: u.roles,
          credentials: [{ type: 'password', value: password, temporary: false }],
        })),
      ],
    });
    const overrides = { OIDC_ISSUER_URL: keycloak.issuer(realm.realm) };
    [cases, ops] = await Promise.all([
      startService(CasesService, overrides),
      startService(OpsService, { ...overrides, OIDC_DASHBOARD_CLIENT_ID: dashboard.clientId }),
    ]);
    const upstreams = [
      { name: 'cases', url: cases.url },
      { name: 'ops', url: ops.url },
    ];
    edge = new Edge(upstreams, upstreams[1]);
    await edge.load();
    await edge.listen(port, '127.0.0.1');
    pg = await db();
  }, START_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await Promise.all([edge?.close(), cases?.close(), ops?.close(), pg?.end()]);
    await keycloak?.stop();
  }, 60_000);

  const signIn = async (u: { username: string }) =>
    (await keycloak.passwordGrant(realm.realm, 'contact-tracing-test', u.username, password)).access_token;

  it('issues RS256 access tokens for the API audience with realm roles and the areas attribute', async () => {
    const token = await signIn(users.quangNamTracer);
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
    expect(header.alg).toBe('RS256');
    const claims = decodeJwt(token) as {
      iss: string;
      aud: string | string[];
      exp: number;
      areas: string[];
      realm_access: { roles: string[] };
    };
    expect(claims.iss).toBe(keycloak.issuer(realm.realm));
    expect([claims.aud].flat()).toContain('contact-tracing-api');
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(claims.areas).toEqual(['49']);
    expect(claims.realm_access.roles).toContain('tracer');
  });

  it('two staff of different areas call the API through the edge with their own roles and areas', async () => {
    const tracer = await signIn(users.quangNamTracer);
    const opsUser = await signIn(users.daNangOps);
    const tracerSub = decodeJwt(tracer).sub!;
    const opsSub = decodeJwt(opsUser).sub!;

    const meTracer = await http(base, 'GET', '/me', { token: tracer });
    expect(meTracer).toEqual({ status: 200, body: { subject: tracerSub, roles: ['tracer'], areas: ['49'] } });
    const meOps = await http(base, 'GET', '/me', { token: opsUser });
    expect(meOps.status).toBe(200);
    expect(meOps.body.subject).toBe(opsSub);
    expect([...meOps.body.roles].sort()).toEqual(['ops', 'quarantine']);
    expect([...meOps.body.areas].sort()).toEqual(['48', '48.490']);

    // The tracer registers a person and a case (cases service, behind the edge); the audit trail names its Keycloak account.
    const person = await http(base, 'POST', '/persons', {
      token: tracer,
      body: { fullName: 'Keycloak Test', phone: `09${Date.now().toString().slice(-8)}`, areaCode: '49' },
    });
    expect(person.status).toBe(201);
    const { rows } = await pg.query('SELECT subject, roles FROM cases.audit_log WHERE person_id = $1', [
      person.body.personId,
    ]);
    expect(rows).toEqual([expect.objectContaining({ subject: tracerSub, roles: 'tracer' })]);
    const created = await http(base, 'POST', '/cases', {
      token: tracer,
      body: { personId: `pc-${randomUUID()}`, confirmedAt: '2021-11-20T08:00:00Z', testType: 'PCR', areaCode: '20290' },
    });
    expect(created.status).toBe(201);

    // Areas from the Keycloak attribute scope what each account sees: the province tracer sees its
    // commune's case, a tracer of another district gets 404, a national account (`*`) sees it.
    const [hoiAn, national] = [await signIn(users.hoiAnTracer), await signIn(users.nationalTracer)];
    expect((await http(base, 'GET', '/me', { token: national })).body.areas).toEqual(['*']);
    const caseUrl = `/cases/${created.body.caseId}`;
    expect((await http(base, 'GET', caseUrl, { token: tracer })).status).toBe(200);
    expect((await http(base, 'GET', caseUrl, { token: hoiAn })).status).toBe(404);
    expect((await http(base, 'GET', caseUrl, { token: national })).status).toBe(200);
    // Figures are not personal: the ops account of another province reads them.
    expect((await http(base, 'GET', '/stats/weekly?area=49', { token: opsUser })).status).toBe(200);

    // The ops account may read the topic monitor but not confirm cases.
    expect((await http(base, 'GET', '/ops/topics', { token: opsUser })).status).toBe(200);
    expect((await http(base, 'POST', '/cases', { token: opsUser, body: {} })).status).toBe(403);
    expect((await http(base, 'GET', '/ops/topics', { token: tracer })).status).toBe(403);
  });

  it('a check-in feed signs in with client credentials (secret generated by Keycloak) and holds the feed role only', async () => {
    const admin = { authorization: `Bearer ${await keycloak.adminToken()}` };
    const [client] = (await (
      await fetch(`${keycloak.url}/admin/realms/${realm.realm}/clients?clientId=contact-tracing-feed`, {
        headers: admin,
      })
    ).json()) as { id: string }[];
    const { value: secret } = (await (
      await fetch(`${keycloak.url}/admin/realms/${realm.realm}/clients/${client.id}/client-secret`, { headers: admin })
    ).json()) as { value: string };
    expect(secret).toMatch(/^\S{16,}$/);
    const res = await fetch(`${keycloak.issuer(realm.realm)}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'contact-tracing-feed',
        client_secret: secret,
      }).toString(),
    });
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    const me = await http(base, 'GET', '/me', { token: access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ roles: ['feed'], areas: [] });
    expect((await http(base, 'GET', '/ops/topics', { token: access_token })).status).toBe(403);
  });

  it('refuses tokens Keycloak did not sign for this realm and API', async () => {
    // A token of the local development issuer: another issuer, another key.
    const local = mint({ subject: 'local-admin', roles: ['admin'] });
    expect((await http(base, 'GET', '/me', { token: local })).status).toBe(401);
    // Keycloak's token of another realm (master, the admin console): signed with a key this realm does not publish.
    const master = await http(base, 'GET', '/me', { token: await keycloak.adminToken() });
    expect(master.status).toBe(401);
    expect(master.body.message).toMatch(/no applicable key/);
    // The same realm and user, but a token issued to another application: not for this API's audience.
    const other = await keycloak.passwordGrant(realm.realm, 'some-other-app', users.quangNamTracer.username, password);
    const res = await http(base, 'GET', '/me', { token: other.access_token });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/"aud" claim/);
  });

  it('the dashboard signs in at Keycloak with the authorization-code flow and PKCE, then shows the figures', async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: run tools/browser/ensure-chromium.sh (CI does)`);
    const profile = mkdtempSync(join(tmpdir(), 'ct-chromium-kc-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const authorizeRequests: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/protocol/openid-connect/auth')) authorizeRequests.push(r.url());
      });
      await page.goto(base);
      await page.locator('#sso-button').click();
      // Keycloak's own login page.
      await page.locator('#username').fill(users.daNangOps.username);
      await page.locator('#password').fill(password);
      await page.locator('#kc-login').click();
      await page.waitForURL((u) => u.origin === base && !u.search.includes('code='));
      await page.getByTestId('who').getByText(`${users.daNangOps.username} (`).waitFor();
      expect(await page.getByTestId('who').textContent()).toMatch(/ops/);
      const authorize = new URL(authorizeRequests[0]);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(authorize.searchParams.get('client_id')).toBe('contact-tracing-dashboard');
      // The token it got is accepted by the API (ops role: the topic panel fills in).
      const token = await page.evaluate<string | null>("sessionStorage.getItem('ct.token')");
      expect((await http(base, 'GET', '/me', { token: token! })).body).toMatchObject({
        roles: expect.arrayContaining(['ops']),
        areas: expect.arrayContaining(['48']),
      });
      await page.getByTestId('topics').getByText('cases.v1', { exact: true }).first().waitFor();
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 120_000);
});
