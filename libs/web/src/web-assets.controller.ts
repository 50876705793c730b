import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { notFound, Public } from '@beacon/core';
import { ViewRenderer } from './view-renderer';
import type { Asset } from './web-assets';

const YEAR = 'public, max-age=31536000, immutable';
const DAY = 'public, max-age=86400';

function send(res: Response, asset: Asset | undefined, cache: string): void {
  if (!asset) throw notFound('File');
  res.setHeader('Content-Type', asset.type);
  res.setHeader('Cache-Control', cache);
  res.send(asset.body);
}

/** GOV.UK and MoJ Frontend files from their npm packages, and Beacon's own small ones. */
@ApiExcludeController()
@Public()
@Controller()
export class WebAssetsController {
  constructor(private readonly views: ViewRenderer) {}

  @Get('assets/frontend/:version/:file')
  versioned(@Param('version') version: string, @Param('file') file: string, @Res() res: Response): void {
    // An old version's URL after a release: the file may have changed, so it is not cached long.
    send(res, this.views.assets.versioned.get(file), version === this.views.assets.version ? YEAR : 'no-cache');
  }

  @Get('assets/frontend/:version/images/:file')
  versionedImage(@Param('version') version: string, @Param('file') file: string, @Res() res: Response): void {
    send(res, this.views.assets.versioned.get(`images/${file}`), version === this.views.assets.version ? YEAR : 'no-cache');
  }

  // The packages' CSS names these by absolute path; font names carry their own hash.
  @Get('assets/fonts/:file')
  font(@Param('file') file: string, @Res() res: Response): void {
    send(res, this.views.assets.fonts.get(file), YEAR);
  }

  @Get('assets/images/:file')
  image(@Param('file') file: string, @Res() res: Response): void {
    send(res, this.views.assets.images.get(file), DAY);
  }

  @Get('favicon.ico')
  favicon(@Res() res: Response): void {
    send(res, this.views.assets.versioned.get('favicon.svg'), DAY);
  }
}
