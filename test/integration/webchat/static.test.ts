/**
 * The web chat's script, style sheet and page on the real service (supertest against the
 * harness): never cached (no-store, no validators), and compressed as the browser allows:
 * brotli or gzip with Content-Encoding and Vary: Accept-Encoding, the plain bytes otherwise.
 * The body, decompressed by the coding the response names, is the file byte for byte, and
 * what travelled is smaller than the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request, { Response } from 'supertest';
import { pickEncoding } from '../../../src/channels/webchat/compress';
import { startWebchatService, WebchatService } from './harness';

const STATIC_DIR = path.join(__dirname, '..', '..', '..', 'src', 'channels', 'webchat', 'static');
const ASSETS = [
  { file: 'webchat.js', type: 'text/javascript; charset=utf-8' },
  { file: 'webchat.css', type: 'text/css; charset=utf-8' },
];

let ws: WebchatService;
beforeAll(async () => { ws = await startWebchatService(); });
afterAll(async () => { await ws?.close(); });

/** GET with a given Accept-Encoding; the body as bytes (superagent has already undone the Content-Encoding the response names). */
async function get(urlPath: string, acceptEncoding: string): Promise<Response> {
  return request(ws.url).get(urlPath).set('Accept-Encoding', acceptEncoding).responseType('blob');
}

/** Never stored by the browser or anything in between, and nothing to revalidate a stored copy with. */
function expectUncached(res: Response): void {
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['etag']).toBeUndefined();
  expect(res.headers['last-modified']).toBeUndefined();
  expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
}

describe.each(ASSETS)('GET /chat/static/$file', ({ file, type }) => {
  const original = readFileSync(path.join(STATIC_DIR, file));

  it.each([
    ['br', 'br'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['*', 'br'],
  ])('Accept-Encoding "%s" → %s, decompressing to the file', async (accept, coding) => {
    const res = await get(`/chat/static/${file}`, accept);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['content-encoding']).toBe(coding);
    expectUncached(res);
    expect(Number(res.headers['content-length'])).toBeLessThan(original.length * 0.6);
    expect(Buffer.compare(res.body as Buffer, original)).toBe(0);
  });

  it.each(['identity', 'deflate', 'gzip;q=0, br;q=0'])('Accept-Encoding "%s" → the plain file', async (accept) => {
    const res = await get(`/chat/static/${file}`, accept);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expectUncached(res);
    expect(Number(res.headers['content-length'])).toBe(original.length);
    expect(Buffer.compare(res.body as Buffer, original)).toBe(0);
  });
});

describe('the page and unknown assets', () => {
  it.each(['br', 'gzip'])('GET /chat is compressed with %s too, and not cached', async (coding) => {
    const res = await get('/chat', coding);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe(coding);
    expectUncached(res);
    const html = (res.body as Buffer).toString('utf8');
    expect(html).toContain('<title>Trò chuyện – Hỗ trợ</title>');
    expect(Number(res.headers['content-length'])).toBeLessThan(Buffer.byteLength(html) * 0.6);
  });

  it('GET /chat without a coding it accepts is plain HTML', async () => {
    const res = await get('/chat', 'identity');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect((res.body as Buffer).toString('utf8')).toMatch(/^<!doctype html>/);
  });

  it('HEAD gives the headers of the coding, without a body', async () => {
    const res = await request(ws.url).head('/chat/static/webchat.js').set('Accept-Encoding', 'gzip');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
    expect(res.text ?? '').toBe('');
  });

  it('an unknown asset is 404', async () => {
    const res = await request(ws.url).get('/chat/static/other.js');
    expect(res.status).toBe(404);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('pickEncoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip, deflate, br, zstd', 'br'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
    ['br;q=0.2, gzip;q=0.8', 'gzip'],
    ['br; q=0.8 , gzip; q=0.8', 'br'],
    ['*;q=0', 'identity'],
    ['*, br;q=0', 'gzip'],
    ['gzip;q=abc', 'identity'],
  ])('%j → %s', (header, expected) => {
    expect(pickEncoding(header)).toBe(expected);
  });
});
