import type { NextFunction, Request, Response } from 'express';

/** Routes that read a whole file from the body (CSV or FHIR JSON) themselves. */
export const UPLOAD_ROUTES = ['/lab-results', '/imports/persons', '/imports/cases', '/arrivals.csv'];

/**
 * Reads the body of a POST to one of UPLOAD_ROUTES as UTF-8 text, up to `limitBytes` (413 beyond),
 * whatever its content type: Express's JSON parser (100 kB) would refuse a 10,000-result bundle and
 * cannot read CSV. Runs after the bearer-token check (authBeforeBody), so no body is read without one.
 */
export function uploadBody(limitBytes: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'POST' || !UPLOAD_ROUTES.includes(req.path.replace(/\/$/, ''))) return next();
    const tooLarge = () =>
      res.status(413).json({
        statusCode: 413,
        error: 'Payload Too Large',
        message: `request body over ${limitBytes} bytes (CASES_UPLOAD_MAX_BYTES); split the file`,
      });
    if (Number(req.headers['content-length'] ?? NaN) > limitBytes) {
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
