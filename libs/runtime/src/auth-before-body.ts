import type { NextFunction, Request, Response } from 'express';

/** Whether the request announces a body (a length above 0, or chunked). */
function announcesBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length.trim() !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/** What a refused request may still send (discarded, never kept) before its connection is cut. */
export const LINGER_BYTES = 1 << 20;
export const LINGER_MS = 2000;

/**
 * A lingering close: the client (or the edge relaying it) is still sending the body it announced;
 * cutting the connection at once would make the peer's TCP stack drop the 401 along with it (an
 * EPIPE or reset before the answer is read). The bytes that still come are discarded, never
 * buffered or parsed, up to LINGER_BYTES or LINGER_MS; then the connection is cut.
 */
function lingeringClose(req: Request): void {
  let discarded = 0;
  const cut = () => req.socket.destroy();
  // Node's server discards the rest of an answered request's body (keeping the connection); this
  // bounds how much and how long.
  req.resume();
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  req.socket.once('close', () => clearTimeout(timer));
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) cut();
  });
  req.on('end', () => clearTimeout(timer));
}

/**
 * Runs before every body parser: a request that carries a body but no valid bearer token is
 * answered 401 without reading the body: nothing of it is buffered or parsed, and the connection
 * is closed after at most LINGER_BYTES more are discarded. Only the token is checked here; the route's roles are the AuthGuard's, as for
 * every other request. Public routes (health, docs, the dashboard) take no body.
 */
export function authBeforeBody(verify: (token: string) => unknown) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!announcesBody(req)) return next();
    const refuse = (message: string) => {
      // Not `Connection: close`: Node would then cut the connection as soon as the answer is
      // written, while the peer is still sending (see lingeringClose).
      lingeringClose(req);
      res.status(401).json({ statusCode: 401, error: 'Unauthorized', message });
    };
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return refuse('missing bearer token (Authorization: Bearer <JWT>)');
    Promise.resolve()
      .then(() => verify(match[1]))
      .then(
        (principal) => {
          // The AuthGuard reuses this check of the same token (one signature check per request).
          (req as Request & { verifiedBearer?: { token: string; principal: unknown } }).verifiedBearer = {
            token: match[1],
            principal,
          };
          next();
        },
        (err: Error) => refuse(`invalid bearer token: ${err.message}`),
      );
  };
}
