import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { Public } from '@beacon/core';

// Read once at start: the build copies .css files next to the compiled code.
const BEACON_CSS = readFileSync(new URL('./beacon.css', import.meta.url), 'utf8');

/** The one stylesheet of every server-rendered page (resident pages, rating pages…). */
@ApiExcludeController()
@Controller('assets')
export class AssetsController {
  @Public()
  @Get('beacon.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  css(): string {
    return BEACON_CSS;
  }
}
