/**
 * The page's script and style sheet, read once at start-up and held in memory, already
 * compressed in every coding we answer with (they never change while the process runs).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../db/devdb';
import { Encoded, precompress } from './compress';

/** A static asset: its bytes in every coding, its content type, and a hash of its content. */
export interface Asset { encoded: Encoded; hash: string; type: string }

const STATIC_DIR = path.join(REPO_ROOT, 'src', 'channels', 'webchat', 'static');

/** Asset files by the name they are served under (/chat/static/<name>), with their types. */
const FILES: Record<string, string> = {
  'webchat.js': 'text/javascript; charset=utf-8',
  'webchat.css': 'text/css; charset=utf-8',
};

/** Read and compress every asset. */
export function loadAssets(dir = STATIC_DIR): Record<string, Asset> {
  const assets: Record<string, Asset> = {};
  for (const [file, type] of Object.entries(FILES)) {
    const body = readFileSync(path.join(dir, file));
    assets[file] = { encoded: precompress(body), type, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) };
  }
  return assets;
}
