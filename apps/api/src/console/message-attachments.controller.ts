import { Controller, Get, Param, Post, Req, Res, UploadedFile, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainException, forbidden, StaffPage, UuidParam } from '@beacon/core';
import { altOf, MAX_IMAGES, MAX_PDFS, MAX_UPLOAD_BYTES, MessageAttachmentService, MessageService, type UploadedAttachment } from '@beacon/messaging';
import { CsrfGuard, CsrfService, errorSummary, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, me, MESSAGE_WRITERS } from './console-pages';

const NOTICES: Record<string, string> = { added: 'Added to the message.', removed: 'Removed from the message.' };
const MB = MAX_UPLOAD_BYTES / 1024 / 1024;

/**
 * A draft's pictures and PDFs (libs/messaging's MessageAttachmentService, the same checks as the
 * API): list, add (multipart; its CSRF token is checked once multer has read the form, as imports
 * do) and remove, post/redirect/get with the error summary on a refused file.
 */
@ApiExcludeController()
@StaffPage({ roles: MESSAGE_WRITERS })
@UseFilters(ConsoleExceptionFilter)
@Controller('console/messages/:id/attachments')
export class ConsoleMessageAttachmentsController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly csrf: CsrfService,
    private readonly messages: MessageService,
    private readonly attachments: MessageAttachmentService,
  ) {}

  @Get()
  async page(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    return this.render(req, res, id, [], NOTICES[done] ?? null, '');
  }

  // Twice the API's cap so a file just over it gets the error summary; beyond that multer's 413 page.
  @Post()
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 2 * MAX_UPLOAD_BYTES, files: 1, fields: 3, parts: 4 } }))
  async add(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @UploadedFile() file: UploadedAttachment | undefined) {
    if (!this.csrf.valid(req)) throw forbidden('This form has expired or did not come from Beacon. Go back, reload the page and try again.');
    const alt = altOf(req.body);
    if (!file?.buffer?.length) return this.render(req, res, id, [{ field: 'file', message: 'Choose a picture or a PDF to add' }], null, alt);
    if (file.buffer.length > MAX_UPLOAD_BYTES) return this.render(req, res, id, [{ field: 'file', message: `The file must be smaller than ${MB} MB` }], null, alt);
    try {
      await this.attachments.upload(me(req), id, file, alt);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'VALIDATION') throw e;
      return this.render(req, res, id, [{ field: /alt/.test(e.message) ? 'alt' : 'file', message: e.message }], null, alt);
    }
    return res.redirect(303, `/console/messages/${id}/attachments?done=added`);
  }

  @Post(':attachmentId/remove')
  @UseGuards(CsrfGuard)
  async remove(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string, @Param('attachmentId', UuidParam) attachmentId: string) {
    await this.attachments.remove(me(req), id, attachmentId);
    res.redirect(303, `/console/messages/${id}/attachments?done=removed`);
  }

  /** The stored file, for the page's thumbnails and links (staff who can read the message). */
  @Get(':attachmentId')
  async file(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string, @Param('attachmentId', UuidParam) attachmentId: string) {
    await this.messages.readable(me(req), id);
    const { row, bytes } = await this.attachments.file(id, attachmentId);
    res.setHeader('Content-Type', row.contentType);
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Content-Disposition', `${row.kind === 'image' ? 'inline' : 'attachment'}; filename="${row.filename}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(bytes);
  }

  private async render(req: Request, res: Response, id: string, errors: FormError[], notice: string | null, alt: unknown) {
    const m = await this.messages.readable(me(req), id);
    const list = await this.attachments.list(id);
    if (errors.length) res.status(400);
    return this.pages.render(req, res, 'message-attachments.njk', 'messages', {
      m,
      editable: m.status === 'draft',
      images: list.filter((a) => a.kind === 'image').map((a) => ({ ...a, url: `/console/messages/${id}/attachments/${a.id}` })),
      pdfs: list.filter((a) => a.kind === 'pdf').map((a) => ({ ...a, url: `/console/messages/${id}/attachments/${a.id}`, sizeText: `${Math.max(1, Math.round(a.size / 1024))} KB` })),
      limits: { images: MAX_IMAGES, pdfs: MAX_PDFS, mb: MB },
      alt: typeof alt === 'string' ? alt : '',
      errors: errorSummary(errors),
      notice,
      backLink: { href: `/console/messages/${id}`, text: 'Back to the message' },
    });
  }
}
