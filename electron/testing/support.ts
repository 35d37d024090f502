import { readdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import type { ConsoleServerMessage } from '../../shared/api/console-protocol.js';
import type { ConsoleViewer } from '../consoles/session.js';
import { waitUntil } from '../host/wait.js';

/** Polls until `check` holds; the error names what was awaited and, if given, what was seen. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000, seen?: () => string): Promise<void> {
  if (await waitUntil(check, timeoutMs)) return;
  throw new Error(`timed out waiting for ${what}${seen ? `; saw ${JSON.stringify(seen())}` : ''}`);
}

/** A console viewer that keeps everything it was sent, as a terminal tab would show it. */
export class Screen implements ConsoleViewer {
  text = '';
  closedWith?: string;
  readonly notices: ConsoleServerMessage[] = [];
  private mark = 0;
  private readonly decoder = new TextDecoder();

  send(data: Buffer): void {
    this.text += this.decoder.decode(data, { stream: true });
  }
  notify(message: ConsoleServerMessage): void {
    this.notices.push(message);
  }
  pending(): number {
    return 0;
  }
  close(reason: string): void {
    this.closedWith = reason;
  }

  /** Waits for `text` after what earlier calls already matched, so a second `login:` counts as new. */
  async expect(text: string, timeoutMs = 20_000): Promise<void> {
    const from = this.mark;
    await waitFor(() => this.text.indexOf(text, from) >= 0, `"${text}" on the console`, timeoutMs, () => this.text.slice(-600));
    this.mark = this.text.indexOf(text, from) + text.length;
  }
}

/** Processes whose argv holds `arg` (e.g. a console device), read from /proc. */
export async function processesWithArg(arg: string): Promise<string[][]> {
  return (await pidsWithArg(arg)).map(({ argv }) => argv);
}

/** The same, with their pids, for a test that must stop what it started. */
export async function pidsWithArg(arg: string): Promise<{ pid: number; argv: string[] }[]> {
  const found: { pid: number; argv: string[] }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv.includes(arg)) found.push({ pid: Number(entry), argv });
  }
  return found;
}

/** The first bytes a TCP server sends (a VNC server's RFB version line). */
export function firstBytes(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString('latin1'));
    });
    socket.once('error', reject);
  });
}
