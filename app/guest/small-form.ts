import type { IncomingMessage } from 'node:http';
import { parse, type ParsedUrlQuery } from 'node:querystring';
import { parse as parseContentType } from 'content-type';
import { HttpError } from '../errors';

/**
 * A small urlencoded form, read with Node's own stream and querystring. The guests' accept form is a
 * few hundred bytes; body-parser's general machinery (charset decoders, qs, async-hook bindings) cost
 * about a tenth of an acceptance, measured. Another content type gives no fields (the route then
 * refuses the missing ones); another charset is a 415; more than `maxBytes` or `maxFields` a 413.
 * Content-Type is read by a single-pass parser: a backtracking pattern on its parameters let one
 * request hold the event loop for seconds.
 */
export function readSmallForm(req: IncomingMessage, { maxBytes, maxFields }: { maxBytes: number; maxFields: number }): Promise<ParsedUrlQuery> {
  const tooLarge = () => new HttpError(413, 'The request is too large.');
  const { type, parameters } = parseContentType(req.headers['content-type'] ?? '');
  if (type !== 'application/x-www-form-urlencoded') return Promise.resolve({});
  const charset = parameters.charset?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8') {
    req.resume();
    return Promise.reject(new HttpError(415, 'The form is in a character set this portal does not read.'));
  }
  if (Number(req.headers['content-length']) > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge());
  }

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const fail = (error: HttpError) => {
      if (finished) return;
      finished = true;
      req.resume(); // drain the rest, so that the connection can carry the refusal
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) fail(tooLarge());
      else if (!finished) chunks.push(chunk);
    });
    req.on('end', () => {
      if (finished) return;
      finished = true;
      const fields = parse(Buffer.concat(chunks).toString('utf8'), '&', '=', { maxKeys: maxFields + 1 });
      if (Object.keys(fields).length > maxFields) reject(tooLarge());
      else resolve(fields);
    });
    req.on('error', () => fail(new HttpError(400, 'The request could not be read.')));
  });
}
