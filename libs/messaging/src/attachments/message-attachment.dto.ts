import { ApiProperty, type ApiBodyOptions } from '@nestjs/swagger';
import { ATTACHMENT_KINDS, type AttachmentKind } from './message-attachment.entity';

export class MessageAttachmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ATTACHMENT_KINDS }) kind: AttachmentKind;
  @ApiProperty({ description: 'Safe file name; an image is stored as its e-mail rendition (.jpg)' }) filename: string;
  @ApiProperty({ example: 'image/jpeg', description: 'Of the stored bytes: image/jpeg for every image, application/pdf' }) contentType: string;
  @ApiProperty({ type: String, nullable: true, description: "An image's alt text (required for images); a PDF's link text" }) altText: string | null;
  @ApiProperty({ description: 'Bytes stored (an image: its rendition)' }) size: number;
  @ApiProperty({ type: Number, nullable: true }) width: number | null;
  @ApiProperty({ type: Number, nullable: true }) height: number | null;
  @ApiProperty() createdAt: Date;
}

/** The multipart form of an upload (documented for /docs-json; read by multer, checked by the service). */
export const ATTACHMENT_UPLOAD_BODY: ApiBodyOptions = {
  schema: {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary', description: 'One JPEG, PNG or WebP image, or a PDF (read by its contents); at most 5 MB' },
    alt: { type: 'string', maxLength: 250, description: 'Alt text: required for an image, the link text of a PDF' },
  },
  },
};
