import type { NextFunction, Request, Response } from 'express';

/**
 * Reads a request body as UTF-8 text, up to `limitBytes` (413 beyond), for a route that parses it
 * itself (the check-in intake reads a JSON array or NDJSON and reports problems per item). Express's
 * JSON parser, 100 kB by default, would refuse 10,000 check-ins and cannot read NDJSON.
 */
export function rawTextBody(limitBytes: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'POST' && req.method !== 'PUT') return next();
    const declared = Number(req.headers['content-length'] ?? NaN);
    const tooLarge = () =>
      res.status(413).json({
        statusCode: 413,
        error: 'Payload Too Large',
        message: `request body over ${limitBytes} bytes; send at most 10,000 check-ins per request`,
      });
    if (declared > limitBytes) {
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
