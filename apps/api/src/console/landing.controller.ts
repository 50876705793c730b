import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@beacon/core';
import { setPageHeaders, ViewRenderer } from '@beacon/web';

/** `/`: where residents sign up and staff find the console. */
@ApiExcludeController()
@Public()
@Controller()
export class LandingController {
  constructor(private readonly views: ViewRenderer) {}

  @Get()
  landing(@Res({ passthrough: true }) res: Response): string {
    setPageHeaders(res);
    return this.views.render(new URL('./views/', import.meta.url), 'landing.njk', { navigation: [], account: null, signOut: null, errors: null, backLink: null, fieldErrors: {} });
  }
}
