/**
 * xterm.js alone, the console UI benchmark's ceiling: a bare Terminal in a page of its own (no
 * Hivedesk, no React), set up as a console tab sets up its own and as large, fed the payload
 * straight from memory, or live from the plain relay's WebSocket (plain-relay.ts). Variants change
 * one thing (screen reader mode, the WebGL renderer) to show what each costs. The page and xterm's files are served by Playwright's
 * request interception from node_modules, so no server is needed.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { TERMINAL_OPTIONS } from '../renderer/src/vm/console/terminal-options.js';
import { PAGE_PROBE } from './page-probe.js';

/** Nothing listens on port 9: Playwright answers. A loopback origin, as the console tab's own page has. */
const ORIGIN = 'http://127.0.0.1:9';
const XTERM = resolve(import.meta.dirname, '../node_modules/@xterm');
/** The size of Hivedesk's own frames to a viewer at most (electron/consoles/session.ts batches). */
const CHUNK_BYTES = 64 * 1024;

const FILES: Record<string, { path: string; type: string }> = {
  '/xterm.mjs': { path: join(XTERM, 'xterm/lib/xterm.mjs'), type: 'text/javascript' },
  '/xterm.css': { path: join(XTERM, 'xterm/css/xterm.css'), type: 'text/css' },
  '/addon-fit.mjs': { path: join(XTERM, 'addon-fit/lib/addon-fit.mjs'), type: 'text/javascript' },
  '/addon-webgl.mjs': { path: join(XTERM, 'addon-webgl/lib/addon-webgl.mjs'), type: 'text/javascript' },
};

/** What a bare terminal changes from a console tab's setup. */
export interface BareVariant {
  screenReaderMode: boolean;
  /** xterm's WebGL renderer instead of its DOM one, when the browser can make a WebGL2 context. */
  webgl: boolean;
}

/** The console tab's terminal box, as its computed style says: FitAddon reads the same values. */
export interface TerminalBox {
  width: string;
  height: string;
  padding: string;
  boxSizing: string;
}

/** The terminal sits in a box styled as the console tab's, so xterm fits the same rows and columns. */
function pageHtml(box: TerminalBox, variant: BareVariant): string {
  const style = `width:${box.width};height:${box.height};padding:${box.padding};box-sizing:${box.boxSizing}`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="/xterm.css"></head>
<body style="margin:0;background:#000">
<div id="screen" style="${style}"></div>
<script type="module">
import { Terminal } from '/xterm.mjs';
import { FitAddon } from '/addon-fit.mjs';
import { WebglAddon } from '/addon-webgl.mjs';
const term = new Terminal(${JSON.stringify({ ...TERMINAL_OPTIONS, screenReaderMode: variant.screenReaderMode })});
const fit = new FitAddon();
term.loadAddon(fit);
term.open(document.getElementById('screen'));
let renderer = 'DOM';
if (${variant.webgl}) {
  try {
    term.loadAddon(new WebglAddon());
    const gl = document.createElement('canvas').getContext('webgl2');
    renderer = 'WebGL on ' + gl?.getParameter(gl.getExtension('WEBGL_debug_renderer_info')?.UNMASKED_RENDERER_WEBGL ?? gl.RENDERER);
  } catch (error) {
    renderer = 'DOM (WebGL failed: ' + error.message + ')';
  }
}
fit.fit();
const shows = (text) => {
  const buffer = term.buffer.active;
  for (let y = buffer.viewportY; y < buffer.viewportY + term.rows; y++) if (buffer.getLine(y)?.translateToString().includes(text)) return true;
  return false;
};
let chunks = [];
window.__bare = {
  size: () => term.cols + 'x' + term.rows + ', ' + renderer,
  // Resolves once a frame drawn (by either renderer) shows the text: the DOM renderer's rows are not there to read with WebGL.
  drawn: (text) => new Promise((resolve) => {
    const rendered = term.onRender(() => {
      if (!shows(text)) return;
      rendered.dispose();
      resolve(performance.now());
    });
  }),
  // Untimed: the payload is encoded once per run, before the clock starts.
  prepare(line, times, end) {
    const bytes = new TextEncoder().encode(line.repeat(times) + end + '\\n');
    chunks = [];
    for (let at = 0; at < bytes.length; at += ${CHUNK_BYTES}) chunks.push(bytes.subarray(at, at + ${CHUNK_BYTES}));
  },
  // Everything at once: xterm.js queues it and parses and draws as fast as it can.
  feed() { for (const chunk of chunks) term.write(chunk); },
  // Or live, from a WebSocket (the plain relay): every message written as it comes, as xterm's AttachAddon does.
  connect: (url) => new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (event) => term.write(new Uint8Array(event.data));
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error('the relay WebSocket failed'));
  }),
};
</script></body></html>`;
}

export interface BareXterm {
  page: Page;
  /** The terminal's columns × rows and its renderer, to compare with the console tab's. */
  size: string;
  /** Puts the payload in the page's memory; not timed. */
  prepare(line: string, times: number, end: string): Promise<void>;
  /** Writes the prepared payload into the terminal; resolves once it is queued, not drawn. */
  feed(): Promise<void>;
  /** Resolves once the terminal has drawn `text`; call before `feed`. */
  drawn(text: string): Promise<unknown>;
  /** Writes what a WebSocket at `url` sends into the terminal from now on, instead of `feed`. */
  connect(url: string): Promise<void>;
}

/** A context (a window) of its own, so the console tab's page and this one share nothing but the browser. */
export async function openBareXterm(browser: Browser, viewport: { width: number; height: number }, box: TerminalBox, variant: BareVariant): Promise<{ context: BrowserContext; bare: BareXterm }> {
  const context = await browser.newContext({ viewport });
  // Chromium's Local Network Access check would keep a page Playwright serves from opening the relay's loopback socket.
  await context.grantPermissions(['local-network-access']);
  await context.addInitScript(PAGE_PROBE);
  await context.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = FILES[path];
    if (file) return route.fulfill({ body: await readFile(file.path), contentType: file.type });
    if (path === '/') return route.fulfill({ body: pageHtml(box, variant), contentType: 'text/html' });
    return route.fulfill({ status: 404 });
  });
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/`);
  await page.waitForFunction('window.__bare !== undefined');
  const bare: BareXterm = {
    page,
    size: String(await page.evaluate('window.__bare.size()')),
    prepare: async (line, times, end) => void (await page.evaluate(`window.__bare.prepare(${JSON.stringify(line)}, ${times}, ${JSON.stringify(end)})`)),
    feed: async () => void (await page.evaluate('window.__bare.feed()')),
    drawn: (text) => page.evaluate(`window.__bare.drawn(${JSON.stringify(text)})`),
    connect: async (url) => void (await page.evaluate(`window.__bare.connect(${JSON.stringify(url)})`)),
  };
  return { context, bare };
}
