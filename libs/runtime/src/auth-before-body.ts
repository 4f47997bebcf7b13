import type { NextFunction, Request, Response } from 'express';

/** Whether the request announces a body (a length above 0, or chunked). */
function announcesBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length.trim() !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Runs before every body parser: a request that carries a body but no valid bearer token is
 * answered 401 without reading the body (the connection is closed, so the unread bytes are not
 * drained either). Only the token is checked here; the route's roles are the AuthGuard's, as for
 * every other request. Public routes (health, docs, the dashboard) take no body.
 */
export function authBeforeBody(verify: (token: string) => unknown) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!announcesBody(req)) return next();
    const refuse = (message: string) => {
      res.setHeader('connection', 'close');
      res.status(401).json({ statusCode: 401, error: 'Unauthorized', message });
    };
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return refuse('missing bearer token (Authorization: Bearer <JWT>)');
    Promise.resolve()
      .then(() => verify(match[1]))
      .then(
        () => next(),
        (err: Error) => refuse(`invalid bearer token: ${err.message}`),
      );
  };
}
