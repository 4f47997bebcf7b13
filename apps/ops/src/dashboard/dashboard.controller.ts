import { Public } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OpsEnv } from '../config';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The static files: copied next to the compiled code by `npm run build`, else read from the sources. */
export function dashboardDir(env: Pick<OpsEnv, 'DASHBOARD_DIR'>): string {
  const candidates = [env.DASHBOARD_DIR, join(__dirname, 'public'), resolve('apps/ops/src/dashboard/public')].filter(
    (d): d is string => !!d,
  );
  const found = candidates.find((d) => existsSync(join(d, 'index.html')));
  if (!found) throw new Error(`dashboard files not found in ${candidates.join(', ')}`);
  return found;
}

/**
 * The ops dashboard at the base URL: the edge sends every path no service declares (GET /, the
 * assets) to ops. The page and its assets are public (a browser cannot attach a bearer token to a
 * navigation) and carry no data; every figure is fetched with the token the user pastes, so the
 * API's roles still apply. Not in OpenAPI (so the edge reaches it through its fallback).
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  private readonly dir: string;
  private readonly files = new Map<string, { type: string; body: Buffer }>();
  private readonly signIn: { issuer: string; clientId: string } | Record<string, never>;
  private readonly csp: string;

  constructor(@Inject(SERVICE_ENV) env: OpsEnv) {
    this.dir = dashboardDir(env);
    this.signIn =
      env.OIDC_DASHBOARD_CLIENT_ID && env.OIDC_ISSUER_URL
        ? { issuer: env.OIDC_ISSUER_URL.replace(/\/+$/, ''), clientId: env.OIDC_DASHBOARD_CLIENT_ID }
        : {};
    // The page may talk to the identity provider (discovery, token endpoint) and nothing else outside.
    const idp = 'issuer' in this.signIn ? ` ${new URL(this.signIn.issuer).origin}` : '';
    this.csp = `default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'${idp}`;
  }

  private file(name: string): { type: string; body: Buffer } {
    if (!/^[\w-]+\.(html|js|css|svg)$/.test(name)) throw new NotFoundException(`no dashboard file ${name}`);
    let f = this.files.get(name);
    if (!f) {
      const path = join(this.dir, name);
      if (!existsSync(path)) throw new NotFoundException(`no dashboard file ${name}`);
      f = { type: TYPES[name.slice(name.lastIndexOf('.'))], body: readFileSync(path) };
      this.files.set(name, f);
    }
    return f;
  }

  private send(res: Response, name: string): void {
    const f = this.file(name);
    res.setHeader('content-type', f.type);
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('content-security-policy', this.csp);
    res.send(f.body);
  }

  @Public()
  @Get()
  index(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  /**
   * How the page signs in: `{ issuer, clientId }` (authorization-code flow with PKCE at the
   * department's identity provider) or `{}` (paste a token). Public information, no secret.
   */
  @Public()
  @Get('dashboard/sign-in.json')
  signInConfig(): { issuer: string; clientId: string } | Record<string, never> {
    return this.signIn;
  }

  @Public()
  @Get('dashboard/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    this.send(res, file);
  }
}
