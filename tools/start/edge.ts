import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { createReadStream, existsSync } from 'node:fs';

export interface Upstream {
  name: string;
  url: string;
}

interface Route {
  method: string;
  pattern: RegExp;
  literals: number;
  template: string;
  upstream: Upstream;
}

interface OpenApiDoc {
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
  tags?: unknown[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function compile(template: string): { pattern: RegExp; literals: number } {
  const segments = template.split('/').filter(Boolean);
  const parts = segments.map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return { pattern: new RegExp(`^/${parts.join('/')}/?$`), literals: segments.filter((s) => !/^\{.+\}$/.test(s)).length };
}

/**
 * The routing table, derived from each service's own OpenAPI document so it cannot drift from the
 * code: METHOD + path template → service. The most literal template wins (/persons/lookup beats
 * /persons/{id}).
 */
export class RouteTable {
  private routes: Route[] = [];

  add(upstream: Upstream, doc: OpenApiDoc): void {
    for (const [template, item] of Object.entries(doc.paths ?? {})) {
      if (template === '/health') continue;
      for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
        this.routes.push({ method: method.toUpperCase(), template, upstream, ...compile(template) });
      }
    }
    this.routes.sort((a, b) => b.literals - a.literals);
  }

  match(method: string, path: string): Upstream | undefined {
    return this.routes.find((r) => r.method === method && r.pattern.test(path))?.upstream;
  }

  /** Methods served on `path` by anyone, for 405 answers. */
  methodsFor(path: string): string[] {
    return [...new Set(this.routes.filter((r) => r.pattern.test(path)).map((r) => r.method))];
  }

  size(): number {
    return this.routes.length;
  }
}

export function mergeDocs(docs: { upstream: Upstream; doc: OpenApiDoc }[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  for (const { doc } of docs) {
    for (const [p, item] of Object.entries(doc.paths ?? {})) {
      if (p === '/health') continue;
      paths[p] = { ...(paths[p] ?? {}), ...item };
    }
    Object.assign(schemas, doc.components?.schemas ?? {});
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Contact tracing and quarantine API', version: '1', description: 'Every public route of the five services, through one base URL.' },
    paths: { '/health': { get: { summary: 'Health of every service', tags: ['health'], security: [], responses: { 200: { description: 'all up' }, 503: { description: 'a service is down' } } } }, ...paths },
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
  };
}

const SWAGGER_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>API docs</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/docs-json', dom_id: '#swagger-ui', persistAuthorization: true });</script>
</body></html>`;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** One base URL for every public route: aggregated /health, merged /docs, and a reverse proxy. */
export class Edge {
  private table = new RouteTable();
  private openapi: Record<string, unknown> = {};
  private server?: Server;

  constructor(private readonly upstreams: Upstream[], private readonly fallback: Upstream) {}

  async load(): Promise<number> {
    const docs = await Promise.all(
      this.upstreams.map(async (upstream) => {
        const res = await fetch(`${upstream.url}/docs-json`);
        if (!res.ok) throw new Error(`${upstream.name}: /docs-json answered ${res.status}`);
        return { upstream, doc: (await res.json()) as OpenApiDoc };
      }),
    );
    const table = new RouteTable();
    for (const d of docs) table.add(d.upstream, d.doc);
    this.table = table;
    this.openapi = mergeDocs(docs);
    return table.size();
  }

  listen(port: number, host = '0.0.0.0'): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    try {
      if (method === 'GET' && path === '/health') return await this.health(res);
      if (method === 'GET' && path === '/docs-json') return json(res, 200, this.openapi);
      if (method === 'GET' && (path === '/docs' || path === '/docs/')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(SWAGGER_HTML);
        return;
      }
      if (method === 'GET' && path.startsWith('/docs/')) return this.asset(path.slice('/docs/'.length), res);
      const upstream = this.table.match(method, path);
      if (upstream) return this.proxy(req, res, upstream);
      const allowed = this.table.methodsFor(path);
      if (allowed.length > 0) return json(res, 405, { statusCode: 405, error: 'Method Not Allowed', message: `${method} ${path} is not served; allowed: ${allowed.join(', ')}` });
      return this.proxy(req, res, this.fallback);
    } catch (err) {
      json(res, 502, { statusCode: 502, error: 'Bad Gateway', message: (err as Error).message });
    }
  }

  private async health(res: ServerResponse): Promise<void> {
    const results = await Promise.all(
      this.upstreams.map(async (u) => {
        try {
          const r = await fetch(`${u.url}/health`, { signal: AbortSignal.timeout(3000) });
          return [u.name, await r.json()] as const;
        } catch (err) {
          return [u.name, { status: 'down', error: (err as Error).message }] as const;
        }
      }),
    );
    const ok = results.every(([, h]) => (h as { status?: string }).status === 'ok');
    json(res, ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', services: Object.fromEntries(results) });
  }

  private asset(file: string, res: ServerResponse): void {
    const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
    const full = join(dir, file);
    if (!/^[\w.-]+$/.test(file) || !existsSync(full)) return json(res, 404, { statusCode: 404, message: 'not found' });
    const type = file.endsWith('.css') ? 'text/css' : file.endsWith('.js') ? 'application/javascript' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type });
    createReadStream(full).pipe(res);
  }

  private proxy(req: IncomingMessage, res: ServerResponse, upstream: Upstream): void {
    const target = new URL(req.url ?? '/', upstream.url);
    const out = request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host, 'x-forwarded-host': req.headers.host ?? '' } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', (err) => {
      if (!res.headersSent) json(res, 502, { statusCode: 502, error: 'Bad Gateway', message: `${upstream.name} is unreachable: ${err.message}` });
      else res.destroy(err);
    });
    req.pipe(out);
  }
}
