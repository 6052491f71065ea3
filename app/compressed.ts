import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import type { Answer } from './endpoint';
import { memoized } from './memo';

/*
 * Responses compressed once and reused. Per-request compression (the compression() middleware) cut
 * the guest page's throughput to a third; a stored gzip costs nothing per request. Pages with a small
 * per-guest part are spliced: the unchanging parts are deflated once (each ending on a byte boundary
 * with Z_SYNC_FLUSH, so deflate streams can be concatenated), the per-guest part goes in as a stored
 * (uncompressed) deflate block, and the gzip trailer's CRC-32 is combined from the parts' CRCs.
 */

/** One body in the encodings Portico serves. */
export interface EncodedBody {
  identity: Buffer;
  gzip: Buffer;
}

export function encodeOnce(body: Buffer | string): EncodedBody {
  const identity = Buffer.from(body);
  return { identity, gzip: zlib.gzipSync(identity, { level: 9 }) };
}

/** True when the client takes gzip (RFC 9110 §12.5.3: a q of 0 refuses it; `*` covers it). */
export function acceptsGzip(header: string | undefined): boolean {
  return header ? acceptEncodingTakesGzip(header) : false;
}

const acceptEncodingTakesGzip = memoized((header: string): boolean => {
  let gzip: number | null = null;
  let any: number | null = null;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    const quality = q ? Number(q[1]) : 1;
    if (coding.trim() === 'gzip' || coding.trim() === 'x-gzip') gzip = quality;
    else if (coding.trim() === '*') any = quality;
  }
  return (gzip ?? any ?? 0) > 0;
});

/** An answer in gzip or identity as the request asks, after `headers`, with the headers caches need. */
export function encodedAnswer(req: IncomingMessage, headers: Record<string, string>, gzip: () => Buffer, identity: () => Buffer): Answer {
  const gzipped = acceptsGzip(req.headers['accept-encoding']);
  return {
    headers: gzipped ? { ...headers, Vary: 'Accept-Encoding', 'Content-Encoding': 'gzip' } : { ...headers, Vary: 'Accept-Encoding' },
    body: gzipped ? gzip() : identity(),
  };
}

// CRC-32 combination as in zlib's crc32_combine (crc32.c: multmodp, x2nmodp), on reflected polynomials.
const crcPolynomial = 0xedb88320;

function multiplyModP(a: number, b: number): number {
  let m = 0x80000000;
  let product = 0;
  for (;;) {
    if (a & m) {
      product ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ crcPolynomial : b >>> 1;
  }
  return product >>> 0;
}

/** x^(2^k) mod P for k = 0..31. */
const powersOfX: number[] = [0x40000000];
for (let k = 1; k < 32; k++) powersOfX.push(multiplyModP(powersOfX[k - 1], powersOfX[k - 1]));

/** The operator that moves a CRC past `bytes` more bytes: x^(8 × bytes) mod P. */
function crcShift(bytes: number): number {
  let p = 0x80000000; // x^0
  for (let n = bytes, k = 3; n > 0; n = Math.floor(n / 2), k++) {
    if (n & 1) p = multiplyModP(powersOfX[k & 31], p);
  }
  return p;
}

/** CRC-32 of A followed by B, from CRC(A), CRC(B) and the shift operator for B's length. */
function combineCrc(crcA: number, crcB: number, shiftB: number): number {
  return (multiplyModP(shiftB, crcA) ^ crcB) >>> 0;
}

interface FixedPart {
  text: Buffer;
  deflated: Buffer;
  crc: number;
  shift: number;
}

const gzipHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
const finalEmptyBlock = Buffer.from([0x03, 0x00]);

function storedBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  for (let start = 0; start < data.length; start += 0xffff) {
    const chunk = data.subarray(start, start + 0xffff);
    const header = Buffer.alloc(5);
    header.writeUInt16LE(chunk.length, 1);
    header.writeUInt16LE(~chunk.length & 0xffff, 3);
    blocks.push(header, chunk);
  }
  return blocks;
}

/**
 * A page made of fixed parts compressed once, with slots between them for per-request text:
 * fixed[0] slot[0] fixed[1] slot[1] … fixed[n].
 */
export class SplicedPage {
  private readonly fixed: FixedPart[];

  constructor(fixedParts: string[]) {
    this.fixed = fixedParts.map((part) => {
      const text = Buffer.from(part);
      return {
        text,
        deflated: text.length ? zlib.deflateRawSync(text, { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH }) : Buffer.alloc(0),
        crc: zlib.crc32(text),
        shift: crcShift(text.length),
      };
    });
  }

  identity(slotTexts: string[]): Buffer {
    const pieces: Buffer[] = [this.fixed[0].text];
    for (let i = 1; i < this.fixed.length; i++) pieces.push(Buffer.from(slotTexts[i - 1]), this.fixed[i].text);
    return Buffer.concat(pieces);
  }

  gzip(slotTexts: string[]): Buffer {
    const first = this.fixed[0];
    const pieces: Buffer[] = [gzipHeader, first.deflated];
    let crc = first.crc;
    let size = first.text.length;
    for (let i = 1; i < this.fixed.length; i++) {
      const slot = Buffer.from(slotTexts[i - 1]);
      if (slot.length) pieces.push(...storedBlocks(slot));
      crc = zlib.crc32(slot, crc);
      const part = this.fixed[i];
      pieces.push(part.deflated);
      crc = combineCrc(crc, part.crc, part.shift);
      size += slot.length + part.text.length;
    }
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc, 0);
    trailer.writeUInt32LE(size >>> 0, 4);
    pieces.push(finalEmptyBlock, trailer);
    return Buffer.concat(pieces);
  }
}
