import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * The CSP both modes use: scripts only from the app itself, network only to our own server.
 * `server` is the loopback server's address when the page comes from elsewhere (Electron's
 * app://); a page the server served reaches it as 'self', whatever address it was opened with.
 */
export function contentSecurityPolicy(server?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // xterm.js sizes its rows with inline styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self'${server ? ` ${server}` : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export type StaticFile = { status: 200; body: Buffer; type: string } | { status: 400 | 403 | 404 };

/** Reads a file of the built renderer; the path is normalised so nothing outside `root` is read. */
export async function readStatic(root: string, urlPath: string): Promise<StaticFile> {
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath));
  } catch {
    return { status: 400 };
  }
  const file = join(root, relative);
  if (!file.startsWith(root + sep)) return { status: 403 };
  const body = await readFile(file).catch(() => undefined);
  if (!body) return { status: 404 };
  return { status: 200, body, type: TYPES[extname(file)] ?? 'application/octet-stream' };
}

export async function serveStatic(root: string, urlPath: string, res: ServerResponse, csp: string): Promise<void> {
  const file = await readStatic(root, urlPath);
  if (file.status !== 200) return void res.writeHead(file.status, { 'content-type': 'text/plain' }).end(String(file.status));
  res.writeHead(200, { 'content-type': file.type, 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(file.body);
}
