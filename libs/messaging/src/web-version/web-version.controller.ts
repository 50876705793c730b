import { Controller, Get, Param, Query, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { InjectConfig, notFound, Public, UuidParam, type AppConfig } from '@beacon/core';
import { PageExceptionFilter, setPageHeaders } from '@beacon/web';
import { WebVersionService } from './web-version.service';

const LOGO_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.svg': 'image/svg+xml', '.webp': 'image/webp' };

/**
 * `/m/<token>`: the web version of a sent message, linked from every e-mail and from an SMS whose
 * text was cut; `/m/branding.css` and `/m/logo`: the force's colour and logo from configuration.
 */
@ApiExcludeController()
@Public()
@UseFilters(PageExceptionFilter)
@Controller('m')
export class WebVersionController {
  private readonly logo: { type: string; bytes: Buffer } | null;

  constructor(
    private readonly pages: WebVersionService,
    @InjectConfig() config: AppConfig,
  ) {
    const path = config.branding.logoPath;
    this.logo = path ? { type: LOGO_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream', bytes: readFileSync(path) } : null;
  }

  // Declared before ':token', which would otherwise match these names.
  @Get('branding.css')
  css(@Res() res: Response): void {
    res.setHeader('Content-Type', 'text/css; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.send(this.pages.brandingCss());
  }

  @Get('logo')
  logoImage(@Res() res: Response): void {
    if (!this.logo) throw notFound('Logo');
    res.setHeader('Content-Type', this.logo.type);
    res.setHeader('Cache-Control', 'public, max-age=86400');
    // An SVG logo is an image, never a document that runs script.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(this.logo.bytes);
  }

  /**
   * An image or PDF of the message, under its public token: the stored type (detected at upload)
   * with nosniff, a CSP that lets nothing run, images inline and PDFs as downloads.
   */
  @Get(':token/files/:id')
  async file(@Param('token') token: string, @Param('id', UuidParam) id: string, @Res() res: Response): Promise<void> {
    const f = await this.pages.file(token, id);
    res.setHeader('Content-Type', f.contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Content-Disposition', `${f.inline ? 'inline' : 'attachment'}; filename="${f.filename}"`);
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.send(f.bytes);
  }

  @Get(':token')
  async page(@Param('token') token: string, @Query('lang') lang: unknown, @Res() res: Response): Promise<void> {
    const { status, html } = await this.pages.page(res, token, typeof lang === 'string' ? lang : undefined);
    setPageHeaders(res);
    res.status(status).send(html);
  }
}
