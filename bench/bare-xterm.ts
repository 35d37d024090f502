/**
 * xterm.js alone, the console UI benchmark's ceiling: a bare Terminal in a page of its own (no
 * Hivedesk, no WebSocket, no React), set up as a console tab sets up its own and as large, fed
 * the payload straight from memory. The page and xterm's files are served by Playwright's request
 * interception from node_modules, so no server is needed.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { TERMINAL_OPTIONS } from '../renderer/src/vm/console/terminal-options.js';
import { PAGE_PROBE } from './page-probe.js';

const ORIGIN = 'http://xterm-alone.bench';
const XTERM = resolve(import.meta.dirname, '../node_modules/@xterm');
/** The size of Hivedesk's own frames to a viewer at most (electron/consoles/session.ts batches). */
const CHUNK_BYTES = 64 * 1024;

const FILES: Record<string, { path: string; type: string }> = {
  '/xterm.mjs': { path: join(XTERM, 'xterm/lib/xterm.mjs'), type: 'text/javascript' },
  '/xterm.css': { path: join(XTERM, 'xterm/css/xterm.css'), type: 'text/css' },
  '/addon-fit.mjs': { path: join(XTERM, 'addon-fit/lib/addon-fit.mjs'), type: 'text/javascript' },
};

/** The console tab's terminal box, as its computed style says: FitAddon reads the same values. */
export interface TerminalBox {
  width: string;
  height: string;
  padding: string;
  boxSizing: string;
}

/** The terminal sits in a box styled as the console tab's, so xterm fits the same rows and columns. */
function pageHtml(box: TerminalBox): string {
  const style = `width:${box.width};height:${box.height};padding:${box.padding};box-sizing:${box.boxSizing}`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="/xterm.css"></head>
<body style="margin:0;background:#000">
<div id="screen" style="${style}"></div>
<script type="module">
import { Terminal } from '/xterm.mjs';
import { FitAddon } from '/addon-fit.mjs';
const term = new Terminal(${JSON.stringify(TERMINAL_OPTIONS)});
const fit = new FitAddon();
term.loadAddon(fit);
term.open(document.getElementById('screen'));
fit.fit();
let chunks = [];
window.__bare = {
  size: () => term.cols + 'x' + term.rows,
  // Untimed: the payload is encoded once per run, before the clock starts.
  prepare(line, times, end) {
    const bytes = new TextEncoder().encode(line.repeat(times) + end + '\\n');
    chunks = [];
    for (let at = 0; at < bytes.length; at += ${CHUNK_BYTES}) chunks.push(bytes.subarray(at, at + ${CHUNK_BYTES}));
  },
  // Everything at once: xterm.js queues it and parses and draws as fast as it can.
  feed() { for (const chunk of chunks) term.write(chunk); },
};
</script></body></html>`;
}

export interface BareXterm {
  page: Page;
  /** The terminal's columns × rows, to compare with the console tab's. */
  size: string;
  /** Puts the payload in the page's memory; not timed. */
  prepare(line: string, times: number, end: string): Promise<void>;
  /** Writes the prepared payload into the terminal; resolves once it is queued, not drawn. */
  feed(): Promise<void>;
}

/** A context (a window) of its own, so the console tab's page and this one share nothing but the browser. */
export async function openBareXterm(browser: Browser, viewport: { width: number; height: number }, box: TerminalBox): Promise<{ context: BrowserContext; bare: BareXterm }> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(PAGE_PROBE);
  await context.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = FILES[path];
    if (file) return route.fulfill({ body: await readFile(file.path), contentType: file.type });
    if (path === '/') return route.fulfill({ body: pageHtml(box), contentType: 'text/html' });
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
  };
  return { context, bare };
}
