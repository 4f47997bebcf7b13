import type { NextFunction, Request, Response } from 'express';

/**
 * Reads POST /arrivals.csv's body as UTF-8 text, up to `limitBytes` (413 beyond): Nest's parsers
 * read JSON only. Runs after the token check (authBeforeBody), so nothing is read without one.
 */
export function csvBody(limitBytes: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'POST') return next();
    const tooLarge = () =>
      res.status(413).json({ statusCode: 413, error: 'Payload Too Large', message: `CSV over ${limitBytes} bytes` });
    if (Number(req.headers['content-length'] ?? 0) > limitBytes) {
      tooLarge();
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limitBytes) {
        done = true;
        tooLarge();
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      req.body = Buffer.concat(chunks).toString('utf8');
      (req as unknown as { _body: boolean })._body = true; // tells Nest's own body parsers it is read
      next();
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      next(err);
    });
  };
}
