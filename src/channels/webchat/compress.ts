/**
 * Compressed answers for the web chat. People often reach it on slow, metered mobile data,
 * and the script and style sheet travel on every visit (they are not cached: see routes.ts),
 * so their bytes matter. Brotli is the smallest; gzip is what every browser takes; a client
 * that accepts neither gets the plain bytes.
 */
import type { Request, Response } from 'express';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** A content coding we answer with. */
export type Encoding = 'br' | 'gzip' | 'identity';

/** One body in every coding we answer with. */
export type Encoded = Record<Encoding, Buffer>;

/**
 * Compress a fixed body once, at the best (slowest) settings: this runs only at start-up.
 * @example precompress(Buffer.from(js)).br  // what a browser sending "Accept-Encoding: br" gets
 */
export function precompress(body: Buffer): Encoded {
  return {
    identity: body,
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    gzip: gzipSync(body, { level: constants.Z_BEST_COMPRESSION }),
  };
}

/** Compress a body made for one request (the page), at a fast setting: it is a few KB. */
export function compressNow(body: Buffer, encoding: Encoding): Buffer {
  if (encoding === 'br') return brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } });
  if (encoding === 'gzip') return gzipSync(body, { level: 6 });
  return body;
}

/** Each coding named in an Accept-Encoding header with its q value ("gzip;q=0.5" → 0.5, no q → 1). */
function qualities(header: string): Map<string, number> {
  const q = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim());
    if (!name) continue;
    const given = params.find((p) => p.startsWith('q='));
    const value = given === undefined ? 1 : Number(given.slice(2));
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  return q;
}

/**
 * The coding to answer with: brotli or gzip, whichever the browser rates higher (brotli on a
 * tie: it is smaller), or none when it accepts neither. "q=0" refuses a coding; "*" stands
 * for every coding the header does not name.
 * @example pickEncoding('gzip, deflate, br') === 'br'; pickEncoding('gzip, br;q=0') === 'gzip'; pickEncoding(undefined) === 'identity'
 */
export function pickEncoding(acceptEncoding: string | undefined): Encoding {
  const q = qualities(acceptEncoding ?? '');
  const any = q.get('*') ?? 0;
  const br = q.get('br') ?? any;
  const gzip = q.get('gzip') ?? q.get('x-gzip') ?? any;
  if (br <= 0 && gzip <= 0) return 'identity';
  return br >= gzip ? 'br' : 'gzip';
}

/**
 * Send a body in the coding the request accepts. `variant` gives the bytes for a coding
 * (precompressed, or compressed now). Vary tells any cache in between that the bytes
 * depend on Accept-Encoding. The caller sets Content-Type and Cache-Control. No ETag (which
 * res.send would add): nothing is stored, so there is nothing to revalidate.
 */
export function sendEncoded(req: Request, res: Response, variant: (encoding: Encoding) => Buffer): void {
  const encoding = pickEncoding(req.header('accept-encoding'));
  const body = variant(encoding);
  res.vary('Accept-Encoding');
  if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', body.length);
  res.end(body); // Node leaves the body out of an answer to HEAD
}
