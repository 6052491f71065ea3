import type { Context } from '../context';
import type { Answer, Exchange } from '../endpoint';
import { HttpError } from '../errors';

const logoFilePattern = /^([0-9a-f]{64})\.png$/;

/** The venue logo at logo/<sha256>.png (admin/logo.ts stores it): a new logo is a new URL, so each is cached for good. */
export async function logoAnswer(ctx: Context, { params }: Exchange): Promise<Answer> {
  const sha256 = logoFilePattern.exec(params.file)?.[1];
  const image = sha256 && await ctx.store.getLogo(sha256);
  if (!image) throw new HttpError(404, 'There is no such logo.');
  return { headers: { 'Content-Type': 'image/png', 'Cache-Control': 'public, max-age=31536000, immutable' }, body: image };
}
