import { Global, Module } from '@nestjs/common';
import { CsrfGuard, CsrfService } from './csrf';
import { PageI18n } from './i18n/page-i18n';
import { PageExceptionFilter } from './page-response';
import { ViewRenderer } from './view-renderer';
import { WebAssetsController } from './web-assets.controller';

/** The HTML stack: Nunjucks views with GOV.UK and MoJ Frontend, and their assets. */
@Global()
@Module({
  controllers: [WebAssetsController],
  providers: [ViewRenderer, CsrfService, CsrfGuard, PageExceptionFilter, PageI18n],
  exports: [ViewRenderer, CsrfService, CsrfGuard, PageExceptionFilter, PageI18n],
})
export class WebModule {}
