import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import { notFound, Public } from '@beacon/core';

/**
 * The old staff console, kept at /console/legacy until every workflow it has is in the new
 * one (`/console`, server-rendered): one HTML shell and hand-written browser ES modules, no framework and no
 * build step. It talks to the JSON API with a bearer token kept in sessionStorage (no cookie,
 * so no CSRF surface). The CSP allows scripts from this origin only, and Trusted Types make
 * every HTML string sink throw except the one named policy that shows e-mail previews (in a
 * sandboxed iframe). Inline style attributes are allowed only because that preview inherits
 * this policy and e-mail HTML must use them; no script can come from them.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types beacon-email-preview',
].join('; ');

const STATIC_DIR = new URL('./static/', import.meta.url);
const SHELL = readFileSync(new URL('index.html', STATIC_DIR), 'utf8');
// Read once at start (the build copies static/ next to the compiled code); only these names are served.
const MODULES = new Map(
  readdirSync(STATIC_DIR)
    .filter((name) => /^[a-z][a-z0-9-]*\.js$/.test(name))
    .map((name) => [name, readFileSync(new URL(name, STATIC_DIR), 'utf8')]),
);

@ApiExcludeController()
@Public()
@Controller('console/legacy')
export class LegacyConsoleController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('Content-Security-Policy', CONSOLE_CSP)
  shell(): string {
    return SHELL;
  }

  @Get(':file')
  module(@Param('file') file: string, @Res({ passthrough: true }) res: Response): string {
    const source = MODULES.get(file);
    if (source === undefined) throw notFound('File');
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    // Revalidate every time: the files are small and a stale module would mix versions.
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    return source;
  }
}
