import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../fs/paths';

/** Where the page may load from and what it may do; the page's own server only. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

/**
 * A file of the built renderer by URL path ('/' is index.html), or null for anything else: a
 * malformed escape, a path leading out of the folder, a missing file.
 */
export async function staticFile(rendererDir: string, pathname: string): Promise<StaticFile | null> {
  let rel: string;
  try {
    rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  } catch {
    return null;
  }
  const file = path.resolve(rendererDir, rel);
  if (!isInside(rendererDir, file, { allowSame: false })) return null;
  try {
    return { body: await readFile(file), type: TYPES[path.extname(file)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}
