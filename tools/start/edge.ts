import {
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  request,
  Server,
  ServerResponse,
} from 'node:http';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';

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
  return {
    pattern: new RegExp(`^/${parts.join('/')}/?$`),
    literals: segments.filter((s) => !/^\{.+\}$/.test(s)).length,
  };
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
      if (template === '/health' || template.startsWith('/health/')) continue; // the edge's own
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
      if (p === '/health' || p.startsWith('/health/')) continue;
      paths[p] = { ...(paths[p] ?? {}), ...item };
    }
    Object.assign(schemas, doc.components?.schemas ?? {});
  }
  return {
    openapi: '3.0.0',
    info: {
      title: 'Contact tracing and quarantine API',
      version: '1',
      description: 'Every public route of the five services, through one base URL.',
    },
    paths: {
      '/health': {
        get: {
          summary: 'Health of every service',
          tags: ['health'],
          security: [],
          responses: { 200: { description: 'all up' }, 503: { description: 'a service is down' } },
        },
      },
      ...paths,
    },
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
  };
}

/** Headers that describe one hop, never forwarded (RFC 9110 §7.6.1), plus what the edge sets itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const EDGE_SET = new Set([
  'host',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
]);

/** Drops hop-by-hop headers, those named by `Connection`, and (for requests) what the edge sets itself. */
export function forwardableHeaders(headers: IncomingHttpHeaders, request: boolean): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || (request && EDGE_SET.has(name))) continue;
    out[name] = value;
  }
  return out;
}

export type TargetCheck = { ok: true; path: string; query: string } | { ok: false; reason: string };

/**
 * The request target, accepted only in origin form with one leading slash and nothing that a
 * server behind may read as another path: no dot segments, no backslash, no encoded dot, slash or
 * backslash, no control characters. Anything else is refused before routing.
 */
export function checkTarget(raw: string | undefined): TargetCheck {
  const target = raw ?? '';
  if (!target.startsWith('/'))
    return { ok: false, reason: 'the request target must be a path beginning with "/" (origin form)' };
  if (target.startsWith('//')) return { ok: false, reason: 'the request target must begin with a single "/"' };
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q);
  if (path.includes('\\')) return { ok: false, reason: 'backslashes are not allowed in the path' };
  if (/%(2e|2f|5c)/i.test(path))
    return { ok: false, reason: 'encoded dots, slashes and backslashes (%2e, %2f, %5c) are not allowed in the path' };
  if (/[\x00-\x20\x7f]|%[01][0-9a-f]|%7f/i.test(path))
    return { ok: false, reason: 'control characters are not allowed in the path' };
  if (path.split('/').some((s) => s === '.' || s === '..'))
    return { ok: false, reason: 'dot segments ("." and "..") are not allowed in the path' };
  if (/[\x00-\x1f\x7f#]/.test(query)) return { ok: false, reason: 'control characters are not allowed in the query' };
  return { ok: true, path, query };
}

/** The only files the edge serves itself: name under /docs/ → file in swagger-ui-dist, content type. */
const DOCS_ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'application/javascript; charset=utf-8' },
  'favicon-32x32.png': { file: 'favicon-32x32.png', type: 'image/png' },
  'favicon-16x16.png': { file: 'favicon-16x16.png', type: 'image/png' },
};

/** What no OpenAPI route declares but ops serves: the dashboard page and its assets (GET only). */
const FALLBACK_PATHS = /^\/(dashboard\/[\w-]+\.(html|js|css|svg|json))?$/;

export interface EdgeOptions {
  /** A connection to an upstream must be open within this (504 otherwise). */
  connectTimeoutMs?: number;
  /** The upstream's response headers must arrive within this after the request was sent (504 otherwise). */
  responseTimeoutMs?: number;
  /** Where unexpected handler errors are reported (never with request bodies or headers). */
  log?: (line: string) => void;
}

const SWAGGER_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>API docs</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/docs-json', dom_id: '#swagger-ui', persistAuthorization: true });</script>
</body></html>`;

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, message: string): void {
  const error =
    {
      400: 'Bad Request',
      404: 'Not Found',
      405: 'Method Not Allowed',
      500: 'Internal Server Error',
      502: 'Bad Gateway',
      504: 'Gateway Timeout',
    }[status] ?? 'Error';
  json(res, status, { statusCode: status, error, message });
}

/**
 * One base URL for every public route: aggregated /health, merged /docs, and a strict reverse proxy
 * (see checkTarget): the upstream is always chosen by the routing table and the target is its
 * origin + the checked path + query, never a URL taken from the request.
 */
export class Edge {
  private table = new RouteTable();
  private openapi: Record<string, unknown> = {};
  private server?: Server;
  private readonly assets = new Map<string, Buffer>();
  private readonly connectTimeoutMs: number;
  private readonly responseTimeoutMs: number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly upstreams: Upstream[],
    private readonly fallback: Upstream,
    opts: EdgeOptions = {},
  ) {
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
    this.responseTimeoutMs = opts.responseTimeoutMs ?? 60000;
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

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
    this.server = createServer((req, res) => {
      // A handler can fail in only two ways, both answered here: a thrown error or a rejected promise.
      try {
        this.handle(req, res).catch((err) => this.failed(req, res, err));
      } catch (err) {
        this.failed(req, res, err);
      }
    });
    // A request line or headers Node cannot parse (absolute junk, oversized headers): 400, never a crash.
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      if (socket.writable && err.code !== 'ECONNRESET')
        socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      else socket.destroy();
    });
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
  }

  address(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private failed(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    this.log(`edge: ${req.method} request failed: ${(err as Error)?.message ?? String(err)}`);
    try {
      problem(res, 500, 'the edge failed to handle the request');
    } catch {
      res.destroy();
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Errors on either stream (client gone, reset) end that exchange only.
    req.on('error', () => res.destroy());
    res.on('error', () => req.destroy());
    const target = checkTarget(req.url);
    if (!target.ok) {
      req.resume();
      return problem(res, 400, target.reason);
    }
    const { path } = target;
    const method = req.method ?? 'GET';
    if (method === 'GET' && (path === '/health' || path === '/health/ready')) return await this.health(res);
    // The edge itself is up; each service's own /health/live is on its port.
    if (method === 'GET' && path === '/health/live') return json(res, 200, { status: 'up' });
    if (method === 'GET' && path === '/docs-json') return json(res, 200, this.openapi);
    if (method === 'GET' && (path === '/docs' || path === '/docs/')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(SWAGGER_HTML);
      return;
    }
    if (path.startsWith('/docs/')) return this.asset(method, path.slice('/docs/'.length), res);
    const upstream = this.table.match(method, path);
    if (upstream) return this.proxy(req, res, upstream, target.path + target.query);
    const allowed = this.table.methodsFor(path);
    if (allowed.length > 0) {
      req.resume();
      return problem(res, 405, `${method} ${path} is not served; allowed: ${allowed.join(', ')}`);
    }
    if ((method === 'GET' || method === 'HEAD') && FALLBACK_PATHS.test(path))
      return this.proxy(req, res, this.fallback, target.path + target.query);
    req.resume();
    return problem(res, 404, `no route ${method} ${path}`);
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

  /** Only the files of DOCS_ASSETS, read once into memory; a name not in the list is a 404. */
  private asset(method: string, name: string, res: ServerResponse): void {
    const known = Object.prototype.hasOwnProperty.call(DOCS_ASSETS, name) ? DOCS_ASSETS[name] : undefined;
    if (method !== 'GET' && method !== 'HEAD')
      return problem(res, 405, `${method} /docs/${name} is not served; allowed: GET`);
    if (!known) return problem(res, 404, `no file /docs/${name}`);
    let body = this.assets.get(name);
    if (!body) {
      body = readFileSync(join(dirname(require.resolve('swagger-ui-dist/package.json')), known.file));
      this.assets.set(name, body);
    }
    res.writeHead(200, {
      'content-type': known.type,
      'content-length': body.length,
      'cache-control': 'public, max-age=3600',
    });
    res.end(method === 'HEAD' ? undefined : body);
  }

  private proxy(req: IncomingMessage, res: ServerResponse, upstream: Upstream, pathAndQuery: string): void {
    const origin = new URL(upstream.url);
    const headers = forwardableHeaders(req.headers, true);
    headers.host = origin.host;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    headers['x-forwarded-proto'] = (req.socket as Socket & { encrypted?: boolean }).encrypted ? 'https' : 'http';
    if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
    let settled = false;
    const timeout = (what: string) => {
      if (settled) return;
      settled = true;
      out.destroy();
      req.resume();
      problem(res, 504, `${upstream.name} ${what}`);
    };
    const out = request(
      {
        protocol: origin.protocol,
        hostname: origin.hostname,
        port: origin.port,
        path: pathAndQuery,
        method: req.method,
        headers,
      },
      (up) => {
        clearTimeout(responseTimer);
        if (settled) {
          up.resume();
          return;
        }
        settled = true;
        up.on('error', () => res.destroy());
        res.writeHead(up.statusCode ?? 502, forwardableHeaders(up.headers, false));
        up.pipe(res);
      },
    );
    const connectTimer = setTimeout(
      () => timeout(`did not accept a connection within ${this.connectTimeoutMs} ms`),
      this.connectTimeoutMs,
    );
    const responseTimer = setTimeout(
      () => timeout(`did not answer within ${this.responseTimeoutMs} ms`),
      this.responseTimeoutMs,
    );
    out.on('socket', (socket: Socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    out.on('close', () => {
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
    });
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    out.on('error', (err) => {
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
      if (settled) {
        if (!res.writableEnded) res.destroy();
        return;
      }
      settled = true;
      problem(res, 502, `${upstream.name} is unreachable: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
    });
    req.pipe(out);
  }
}
