import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { inflateSync } from 'node:zlib';
import { badRequest } from '@beacon/core';
import type { AttachmentKind } from './message-attachment.entity';

/** One uploaded file's cap (multer refuses a larger one with 413 before anything is read into a row). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** What one message may carry: every recipient's e-mail holds all of it. */
export const MAX_IMAGES = 4;
export const MAX_PDFS = 2;
/** An image's e-mail rendition fits in this box (px), never enlarged. */
export const EMAIL_IMAGE_BOX = 1200;
/** Refused before decoding: a small file that would decode to a huge bitmap (a decompression bomb). */
const MAX_INPUT_PIXELS = 40_000_000;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);
const EXTENSIONS: Record<string, string[]> = { 'image/jpeg': ['jpg', 'jpeg'], 'image/png': ['png'], 'image/webp': ['webp'], 'application/pdf': ['pdf'] };

export interface CheckedUpload {
  kind: AttachmentKind;
  /** What is stored and sent: an image's rendition, a PDF as uploaded. */
  bytes: Buffer;
  contentType: string;
  filename: string;
  width: number | null;
  height: number | null;
}

/**
 * Reads an upload by its bytes (`file-type`), never by its name: a JPEG, PNG or WebP image
 * becomes its e-mail rendition (turned upright, fitted in EMAIL_IMAGE_BOX, re-encoded as JPEG,
 * which drops EXIF, GPS, XMP and every other metadata); a PDF is kept as it is if it has no
 * active content. A file whose name or declared type says something else than its bytes is a 400.
 */
export async function checkUpload(file: { bytes: Buffer; name: string; declaredType: string }): Promise<CheckedUpload> {
  const detected = await fileTypeFromBuffer(file.bytes);
  const mime = detected?.mime;
  if (!mime || !(IMAGE_TYPES.has(mime) || mime === 'application/pdf')) throw badRequest('The file must be a JPEG, PNG or WebP image or a PDF (read from its contents, not its name)');
  assertClaimMatches(file, mime);
  if (mime === 'application/pdf') {
    assertNoActiveContent(file.bytes);
    return { kind: 'pdf', bytes: file.bytes, contentType: mime, filename: safeFilename(file.name, 'pdf'), width: null, height: null };
  }
  try {
    const { data, info } = await sharp(file.bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: EMAIL_IMAGE_BOX, height: EMAIL_IMAGE_BOX, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { kind: 'image', bytes: data, contentType: 'image/jpeg', filename: safeFilename(file.name, 'jpg'), width: info.width, height: info.height };
  } catch {
    throw badRequest('The image cannot be read (damaged, or too large once opened)');
  }
}

/** The extension and declared type, when they name a type we know, must be the detected one. */
function assertClaimMatches(file: { name: string; declaredType: string }, mime: string): void {
  const ext = /\.([A-Za-z0-9]+)$/.exec(file.name)?.[1]?.toLowerCase();
  const claimedByName = ext ? Object.keys(EXTENSIONS).find((t) => EXTENSIONS[t].includes(ext)) : undefined;
  const declared = file.declaredType.split(';')[0].trim().toLowerCase();
  const claimedByType = EXTENSIONS[declared === 'image/jpg' ? 'image/jpeg' : declared] ? (declared === 'image/jpg' ? 'image/jpeg' : declared) : undefined;
  for (const claimed of [claimedByName, claimedByType]) {
    if (claimed && claimed !== mime) throw badRequest(`The file claims to be ${claimed} but its contents are ${mime}`);
  }
}

// PDF names that run or launch something, or carry content we cannot check: JavaScript
// (/JS, /JavaScript), actions on open or on events (/OpenAction's action is one of these or /AA),
// additional actions (/AA), launching programs, forms that submit or import, Flash / 3D (/RichMedia),
// XFA forms (may hold script) and embedded files.
const ACTIVE_NAMES = new Set(['JS', 'JavaScript', 'AA', 'Launch', 'SubmitForm', 'ImportData', 'RichMedia', 'XFA', 'EmbeddedFile', 'EmbeddedFiles']);
/** Bound on what the scan inflates, so a zip bomb in a stream is refused rather than expanded. */
const MAX_INFLATED = 50 * 1024 * 1024;

/**
 * A byte-level check of a PDF's dictionaries, not a parser: the file's own bytes and every
 * FlateDecode stream inflated (object streams, PDF 1.5+, hide dictionaries inside compressed
 * streams) are searched for ACTIVE_NAMES as whole PDF names, with `#xx` escapes decoded
 * (`/J#53` is `/JS`). Encrypted PDFs are refused: their streams cannot be read. It does not
 * decode other filters (LZW, ASCII85…): a name hidden behind one of those is not seen.
 */
export function assertNoActiveContent(pdf: Buffer): void {
  const found = activeNames(pdf);
  if (found.encrypted) throw badRequest('Encrypted or password-protected PDFs cannot be checked: save the PDF without a password');
  if (found.names.length) throw badRequest(`PDFs with JavaScript or other active content cannot be attached (found ${found.names.map((n) => `/${n}`).join(', ')})`);
}

export function activeNames(pdf: Buffer): { names: string[]; encrypted: boolean } {
  const names = new Set<string>();
  let encrypted = false;
  const scan = (text: string) => {
    for (const m of text.matchAll(/\/([^\s/[\]()<>{}%]+)/g)) {
      const name = m[1].replace(/#([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
      if (ACTIVE_NAMES.has(name)) names.add(name);
      if (name === 'Encrypt') encrypted = true;
    }
  };
  const text = pdf.toString('latin1');
  scan(text);
  let inflated = 0;
  for (const m of text.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    try {
      const out = inflateSync(pdf.subarray(start, end), { maxOutputLength: Math.max(1, MAX_INFLATED - inflated) });
      inflated += out.length;
      scan(out.toString('latin1'));
    } catch (e) {
      // Not Flate data (an image, another filter): nothing to read. Over the bound: refuse.
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw badRequest('The PDF is too large once its contents are unpacked');
    }
  }
  return { names: [...names].sort(), encrypted };
}

/** ASCII letters, digits, `.`, `-`, `_` only (a MIME header value), ending in `.ext`. */
function safeFilename(name: string, ext: string): string {
  const base = name.replace(/\.[A-Za-z0-9]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 80) || 'attachment';
  return `${base}.${ext}`;
}
