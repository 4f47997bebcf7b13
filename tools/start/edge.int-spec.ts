import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { checkTarget, Edge, forwardableHeaders } from './edge';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP server on a free loopback port that records what reaches it. */
async function upstream(
  paths: Record<string, Record<string, unknown>>,
  answer?: (seen: Seen) => boolean,
): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/docs-json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ paths }));
        return;
      }
      const s = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(s);
      if (answer && !answer(s)) return; // never answers
      res.writeHead(200, {
        'content-type': 'application/json',
        connection: 'x-upstream-hop',
        'x-upstream-hop': 'secret',
        'keep-alive': 'timeout=5',
      });
      res.end(JSON.stringify({ reached: req.url }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** Sends bytes exactly as given (no client library normalizes them) and returns the raw answer. */
function raw(port: number, request: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
    socket.write(request);
  });
}

const get = (port: number, target: string, headers = '') =>
  raw(port, `GET ${target} HTTP/1.1\r\nhost: edge.test\r\nconnection: close\r\n${headers}\r\n`);

describe('Edge: a strict reverse proxy', () => {
  let svc: Awaited<ReturnType<typeof upstream>>;
  let ops: Awaited<ReturnType<typeof upstream>>;
  let internal: Awaited<ReturnType<typeof upstream>>;
  let slow: Awaited<ReturnType<typeof upstream>>;
  let edge: Edge;
  let port: number;
  const logged: string[] = [];

  beforeAll(async () => {
    svc = await upstream({ '/cases': { get: {}, post: {} }, '/cases/{id}': { get: {} }, '/health': { get: {} } });
    ops = await upstream({ '/topics': { get: {} } });
    slow = await upstream({ '/slow': { get: {} } }, () => false);
    // What an attacker would like to reach through the edge (cloud metadata, an admin port...).
    internal = await upstream({});
    edge = new Edge(
      [
        { name: 'svc', url: svc.url },
        { name: 'ops', url: ops.url },
        { name: 'slow', url: slow.url },
      ],
      { name: 'ops', url: ops.url },
      { responseTimeoutMs: 500, connectTimeoutMs: 500, log: (l) => logged.push(l) },
    );
    await edge.load();
    await edge.listen(0, '127.0.0.1');
    port = edge.address();
  });

  afterAll(async () => {
    await edge?.close();
    for (const u of [svc, ops, slow, internal]) {
      u?.server.closeAllConnections();
      await new Promise((r) => u?.server.close(r));
    }
  });

  const internalHost = () => new URL(internal.url).host;

  it('refuses an absolute-URL request line with 400 and reaches nothing', async () => {
    const r = await get(port, `http://${internalHost()}/latest/meta-data`);
    expect(r.status).toBe(400);
    expect(r.text).toContain('origin form');
    expect(internal.seen).toHaveLength(0);
  });

  it('refuses a scheme-relative target (//host/) with 400 and reaches nothing', async () => {
    const r = await get(port, `//${internalHost()}/`);
    expect(r.status).toBe(400);
    expect(r.text).toContain('must begin with a single');
    expect(internal.seen).toHaveLength(0);
    expect(ops.seen).toHaveLength(0);
  });

  it.each([
    '/docs/..',
    '/docs/../package.json',
    '/docs/./swagger-ui.css',
    '/cases/..',
    '/cases/%2e%2e/health',
    '/cases/%2E%2e',
    '/cases/a%2fb',
    '/cases/a%2Fb',
    '/cases/a%5cb',
    '/cases\\..\\health',
    '/cases/%00',
    '*',
  ])('refuses %s with 400 before routing, and stays up', async (target) => {
    const before = svc.seen.length;
    const r = await get(port, target);
    expect(r.status).toBe(400);
    expect(svc.seen.length).toBe(before);
    expect((await get(port, '/docs-json')).status).toBe(200);
  });

  it('answers a request line it cannot parse with 400 and stays up', async () => {
    expect((await raw(port, 'GARBAGE\r\n\r\n')).status).toBe(400);
    expect((await raw(port, `GET /cases HTTP/1.1\r\nhost: x\r\nbad header\r\n\r\n`)).status).toBe(400);
    expect((await get(port, '/docs-json')).status).toBe(200);
  });

  it('opens no tunnel (CONNECT) and answers oversized headers with 431', async () => {
    const r = await raw(port, `CONNECT ${internalHost()} HTTP/1.1\r\nhost: ${internalHost()}\r\n\r\n`);
    expect(r.status === 400 || r.text === '').toBe(true);
    expect(internal.seen).toHaveLength(0);
    expect((await get(port, '/cases', `x-big: ${'a'.repeat(20000)}\r\n`)).status).toBe(431);
    expect((await get(port, '/docs-json')).status).toBe(200);
  });

  it('serves /docs assets from a fixed list only', async () => {
    expect((await get(port, '/docs/swagger-ui.css')).status).toBe(200);
    expect((await get(port, '/docs/swagger-ui-bundle.js')).status).toBe(200);
    for (const name of ['index.html', 'package.json', 'swagger-ui.css.map', 'absolute-path.js', 'nope']) {
      expect((await get(port, `/docs/${name}`)).status).toBe(404);
    }
  });

  it('sends unknown paths nowhere (404); only the dashboard paths fall back to ops', async () => {
    const before = ops.seen.length;
    expect((await get(port, '/admin')).status).toBe(404);
    expect((await get(port, '/latest/meta-data/')).status).toBe(404);
    expect(ops.seen.length).toBe(before);
    expect((await get(port, '/')).status).toBe(200);
    expect((await get(port, '/dashboard/app.js')).status).toBe(200);
    expect(ops.seen.slice(before).map((s) => s.url)).toEqual(['/', '/dashboard/app.js']);
    expect((await raw(port, 'DELETE /cases HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')).status).toBe(405);
  });

  it('proxies to the routed upstream with the path and query as given, a Host of its own, no hop-by-hop headers, and X-Forwarded-* set by the edge', async () => {
    const r = await get(
      port,
      '/cases/c-1?x=1&y=%2F',
      'te: trailers\r\nupgrade: h2c\r\nproxy-authorization: Basic eA==\r\nx-secret-hop: 1\r\nx-forwarded-for: 6.6.6.6\r\nx-forwarded-proto: https\r\nforwarded: for=6.6.6.6\r\nauthorization: Bearer t\r\n',
    );
    expect(r.status).toBe(200);
    const seen = svc.seen[svc.seen.length - 1];
    expect(seen.url).toBe('/cases/c-1?x=1&y=%2F');
    expect(seen.headers.host).toBe(new URL(svc.url).host);
    expect(seen.headers['x-forwarded-host']).toBe('edge.test');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers.authorization).toBe('Bearer t');
    for (const h of ['te', 'upgrade', 'proxy-authorization', 'forwarded']) expect(seen.headers[h]).toBeUndefined();
    // Response hop-by-hop headers (and those the upstream's Connection names) stay behind too.
    expect(r.text.toLowerCase()).not.toContain('x-upstream-hop');
    expect(r.text.toLowerCase()).not.toContain('keep-alive: timeout');
  });

  it('drops headers named by Connection', () => {
    expect(forwardableHeaders({ connection: 'close, X-Secret-Hop', 'x-secret-hop': '1', accept: 'a' }, true)).toEqual({
      accept: 'a',
    });
  });

  it('forwards a POST body to the upstream', async () => {
    const body = '{"a":1}';
    const r = await raw(
      port,
      `POST /cases HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
    expect(r.status).toBe(200);
    expect(svc.seen[svc.seen.length - 1].body).toBe(body);
  });

  it('answers 504 when the upstream does not answer in time', async () => {
    const r = await get(port, '/slow');
    expect(r.status).toBe(504);
    expect(r.text).toContain('did not answer within 500 ms');
  });

  it('answers 502 when the upstream is down, and stays up', async () => {
    const down = new Edge(
      [{ name: 'gone', url: 'http://127.0.0.1:1' }],
      { name: 'gone', url: 'http://127.0.0.1:1' },
      { log: () => undefined },
    );
    await down.listen(0, '127.0.0.1');
    try {
      const r = await get(down.address(), '/');
      expect(r.status).toBe(502);
      expect(r.text).toContain('gone is unreachable');
    } finally {
      await down.close();
    }
  });

  it('survives a client that disconnects mid-body', async () => {
    await new Promise<void>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.write('POST /cases HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{"a":');
        setTimeout(() => {
          s.destroy();
          resolve();
        }, 50);
      });
    });
    expect((await get(port, '/docs-json')).status).toBe(200);
  });
});

describe(checkTarget.name, () => {
  it('keeps the path and query of an origin-form target', () => {
    expect(checkTarget('/a/b?c=%2F..')).toEqual({ ok: true, path: '/a/b', query: '?c=%2F..' });
    expect(checkTarget('/')).toEqual({ ok: true, path: '/', query: '' });
    expect(checkTarget('/a..b/c.d')).toEqual({ ok: true, path: '/a..b/c.d', query: '' });
  });
  it.each([
    '',
    'x',
    'http://h/',
    '//h/',
    '/a/../b',
    '/a/./b',
    '/a/.',
    '/a%2e',
    '/a%2f',
    '/a%5C',
    '/a\\b',
    '/a%00',
    '/a%1f',
  ])('refuses %j', (t) => {
    expect(checkTarget(t).ok).toBe(false);
  });
});
