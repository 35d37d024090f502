import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { chmod, mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CommandLog } from '../host/command-log.js';
import { pidsWithArg, Screen, waitFor } from '../testing/support.js';
import { letCuOpen } from './cu-access.js';
import { ConsoleSession } from './session.js';

/**
 * The real cu (Debian's Taylor cu here) on a socat pty pair standing in for a guest's serial
 * line, driven through a real ConsoleSession as a tab would drive it.
 */
let socat: ChildProcess;
let dir: string;
let line: string;
/** Where an escaped `~!touch` would leave its file: open to everyone, as cu runs as uucp. */
let traps: string;
let guest: GuestSide;
let session: ConsoleSession;
const log = new CommandLog();
const screen = new Screen();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hivedesk-cu-escape-'));
  traps = await mkdtemp(join(tmpdir(), 'hivedesk-cu-traps-'));
  await chmod(traps, 0o777);
  socat = spawn('socat', [`pty,raw,echo=0,link=${dir}/line`, `pty,raw,echo=0,link=${dir}/guest`], { stdio: 'ignore' });
  await waitFor(async () => (await readdir(dir)).length === 2, 'socat ptys');
  line = await realpath(`${dir}/line`);
  await letCuOpen(line);
  guest = new GuestSide(`${dir}/guest`);
  session = new ConsoleSession({ device: line, log });
  session.attach(screen);
  await waitFor(() => screen.text.includes('Connected'), 'cu to connect', 15_000, () => screen.text);
});

after(async () => {
  session?.end('test over');
  const ended = await Promise.race([session?.closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 5_000))]);
  // A cu caught in an escape command (what these tests guard against) ignores SIGTERM.
  if (!ended) for (const { pid } of await pidsWithArg(line)) process.kill(pid, 'SIGKILL');
  guest?.close();
  socat?.kill();
  await rm(dir, { recursive: true, force: true });
  await rm(traps, { recursive: true, force: true });
});

/** Every byte after which Taylor's or tip's cu takes `~` as its escape. */
const LINE_ENDS: [string, string][] = [
  ['CR', '\r'],
  ['^U', '\x15'],
  ['^C', '\x03'],
  ['^O', '\x0f'],
  ['^D', '\x04'],
  ['^S', '\x13'],
  ['^Q', '\x11'],
  ['^R', '\x12'],
  ['NUL', '\x00'],
];

for (const [index, [name, end]] of LINE_ENDS.entries()) {
  test(`~! and ~. after ${name} reach the guest as text, and cu runs nothing`, { timeout: 30_000 }, async () => {
    // An escaped ~! reads its command up to a newline; the \n lets one run at once.
    const command = `x${end}~!touch ${traps}/shell-${index}\r\n`;
    session.write(command);
    await guest.expect(command);
    const hangup = `y${end}~.\r`;
    session.write(hangup);
    await guest.expect(hangup);
    assertOneCuRunning();
  });
}

test('no escaped command ran on the host', { timeout: 10_000 }, async () => {
  await new Promise((r) => setTimeout(r, 1_000));
  assert.deepEqual(await readdir(traps), []);
  assertOneCuRunning();
});

function assertOneCuRunning(): void {
  const cus = log.list().filter((record) => record.argv[0] === 'cu');
  assert.equal(cus.length, 1, `cu was restarted; it printed ${JSON.stringify(screen.text)}`);
  assert.equal(cus[0]?.running, true);
}

/** The guest's end of the line: what cu sent, read without blocking. */
class GuestSide {
  private readonly fd: number;
  private received = '';

  constructor(path: string) {
    this.fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  }

  /** Waits until exactly `text` has arrived after what earlier calls took. */
  async expect(text: string): Promise<void> {
    await waitFor(() => this.read().length >= text.length, JSON.stringify(text), 5_000, () => this.received);
    const got = this.received.slice(0, text.length);
    this.received = this.received.slice(text.length);
    assert.equal(got, text);
  }

  close(): void {
    closeSync(this.fd);
  }

  private read(): string {
    const buffer = Buffer.alloc(4096);
    for (;;) {
      let n = 0;
      try {
        n = readSync(this.fd, buffer, 0, buffer.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      }
      if (n <= 0) return this.received;
      this.received += buffer.subarray(0, n).toString('latin1');
    }
  }
}
