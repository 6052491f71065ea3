import { parse } from 'node:querystring';
import type { RequestHandler } from 'express';
import { HttpError } from '../http-error';

/**
 * A small urlencoded form, read with Node's own stream and querystring. The guests' accept form is a
 * few hundred bytes; body-parser's general machinery (charset decoders, qs, async-hook bindings) cost
 * about a tenth of an acceptance, measured. Another content type leaves no body (the route then
 * refuses the missing fields); another charset is a 415; more than `maxBytes` or `maxFields` a 413.
 */
export function smallForm({ maxBytes, maxFields }: { maxBytes: number; maxFields: number }): RequestHandler {
  const tooLarge = () => new HttpError(413, 'The request is too large.');
  return (req, _res, next) => {
    req.body = undefined;
    const [type, ...params] = (req.headers['content-type'] ?? '').toLowerCase().split(';');
    if (type.trim() !== 'application/x-www-form-urlencoded') return next();
    const charset = params.map((param) => /^\s*charset\s*=\s*"?([^"]*)"?\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    if (charset !== undefined && charset !== 'utf-8') {
      req.resume();
      return next(new HttpError(415, 'The form is in a character set this portal does not read.'));
    }
    if (Number(req.headers['content-length']) > maxBytes) {
      req.resume();
      return next(tooLarge());
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (error?: HttpError) => {
      if (finished) return;
      finished = true;
      if (error) {
        req.resume(); // drain the rest, so that the connection can carry the refusal
        return next(error);
      }
      const fields = parse(Buffer.concat(chunks).toString('utf8'), '&', '=', { maxKeys: maxFields + 1 });
      if (Object.keys(fields).length > maxFields) return next(tooLarge());
      req.body = fields;
      next();
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(tooLarge());
      else if (!finished) chunks.push(chunk);
    });
    req.on('end', () => finish());
    req.on('error', () => finish(new HttpError(400, 'The request could not be read.')));
  };
}
