import type { RequestHandler } from 'express';
import multer from 'multer';
import { HttpError, UserError } from '../errors';

/*
 * The venue logo is stored resized as PNG (small enough for a slow guest link, sharp enough on a
 * phone's 2x screen) in the database, and served to guests at logo/<sha256>.png (guest/logo.ts).
 */
const maxUploadBytes = 5 * 1024 * 1024;
const box = { width: 600, height: 200 };
const acceptedFormats = new Set(['png', 'jpeg', 'webp', 'gif']);

/** Shrinks an uploaded picture to fit the logo box, as PNG; throws UserError for anything but an image. */
export async function resizeLogo(upload: Buffer): Promise<Buffer> {
  // Loaded on first upload: libvips adds about 20 MB to every process that loads it, and logos are rare.
  const { default: sharp } = await import('sharp');
  const image = sharp(upload, { limitInputPixels: 40_000_000, failOn: 'error' });
  let format: string | undefined;
  try {
    format = (await image.metadata()).format;
  } catch {
    throw new UserError('The logo must be a PNG, JPEG, WebP or GIF picture; this file is not one.');
  }
  if (!format || !acceptedFormats.has(format)) throw new UserError('The logo must be a PNG, JPEG, WebP or GIF picture.');
  try {
    return await image.rotate().resize({ ...box, fit: 'inside', withoutEnlargement: true }).png({ compressionLevel: 9 }).toBuffer();
  } catch {
    throw new UserError('The logo picture could not be read; it may be damaged.');
  }
}

/**
 * Parses the logo form (multipart) into req.file and req.body. A file over the limit is not an error
 * page: res.locals.logoRefused says why, and the logo route shows the settings form with it (the
 * fields before the file, the CSRF token among them, are parsed by then). A form that cannot be read is a 400.
 */
export const parseLogoUpload: RequestHandler = (req, res, next) => {
  multer({ storage: multer.memoryStorage(), limits: { fileSize: maxUploadBytes, files: 1, fields: 5, parts: 6 } })
    .single('logo')(req, res, (error?: unknown) => {
      if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
        res.locals.logoRefused = 'This picture is larger than 5 MB: choose a smaller file, or save it smaller first.';
        return next();
      }
      if (error instanceof multer.MulterError) return next(new HttpError(400, 'The logo form could not be read. Reload the page and try again.'));
      next(error);
    });
};
