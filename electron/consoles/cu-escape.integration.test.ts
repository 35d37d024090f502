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

/** Where an escaped `~!touch` would leave its file: open to everyone, as cu runs as uucp. */
let traps: string;
let shared: ConsoleFixture;
const opened: ConsoleFixture[] = [];

before(async () => {
  traps = await mkdtemp(join(tmpdir(), 'hivedesk-cu-traps-'));
  await chmod(traps, 0o777);
  shared = await ConsoleFixture.open();
  await shared.connected();
});

after(async () => {
  for (const fixture of opened) await fixture.close();
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
    shared.session.write(command);
    await shared.guest.expect(command);
    const hangup = `y${end}~.\r`;
    shared.session.write(hangup);
    await shared.guest.expect(hangup);
    shared.assertCus(1);
  });
}

test('keys typed while cu starts reach the guest as typed, not as a cooked pty edits them', { timeout: 30_000 }, async () => {
  const fresh = await ConsoleFixture.open();
  // In a cooked pty DEL erases the x, so cu would read ~. and ~! at a line start.
  const early = `x\x7f~.\rx\x7f~!touch ${traps}/cooked\n`;
  fresh.session.write(early);
  await fresh.connected();
  await fresh.guest.expect(early);
  fresh.assertCus(1);
});

test('a restarted cu starts at a line start, whatever the last one was sent', { timeout: 30_000 }, async () => {
  const fresh = await ConsoleFixture.open();
  await fresh.connected();
  fresh.session.write('abc');
  await fresh.guest.expect('abc');
  for (const { pid } of await fresh.cuProcesses()) process.kill(pid, 'SIGKILL');
  await waitFor(() => fresh.screen.text.split('Connected').length === 3, 'cu to be started again', 15_000, () => fresh.screen.text);
  const command = `~!touch ${traps}/restarted\r\n`;
  fresh.session.write(command);
  await fresh.guest.expect(command);
  fresh.session.write('~.\r');
  await fresh.guest.expect('~.\r');
  fresh.assertCus(2);
});

test('no escaped command ran on the host', { timeout: 10_000 }, async () => {
  await new Promise((r) => setTimeout(r, 1_000));
  assert.deepEqual(await readdir(traps), []);
});

/**
 * The real cu (Debian's Taylor cu here) on a socat pty pair standing in for a guest's serial
 * line, driven through a real ConsoleSession as a tab would drive it.
 */
class ConsoleFixture {
  readonly log = new CommandLog();
  readonly screen = new Screen();
  readonly session: ConsoleSession;

  private constructor(
    private readonly dir: string,
    private readonly socat: ChildProcess,
    private readonly line: string,
    readonly guest: GuestSide,
  ) {
    this.session = new ConsoleSession({ endpoint: { kind: 'cu', device: line }, log: this.log });
    this.session.attach(this.screen);
  }

  static async open(): Promise<ConsoleFixture> {
    const dir = await mkdtemp(join(tmpdir(), 'hivedesk-cu-escape-'));
    const socat = spawn('socat', [`pty,raw,echo=0,link=${dir}/line`, `pty,raw,echo=0,link=${dir}/guest`], { stdio: 'ignore' });
    await waitFor(async () => (await readdir(dir)).length === 2, 'socat ptys');
    const line = await realpath(`${dir}/line`);
    await letCuOpen(line);
    const fixture = new ConsoleFixture(dir, socat, line, new GuestSide(`${dir}/guest`));
    opened.push(fixture);
    return fixture;
  }

  async connected(): Promise<void> {
    await waitFor(() => this.screen.text.includes('Connected'), 'cu to connect', 15_000, () => this.screen.text);
  }

  async cuProcesses(): Promise<{ pid: number }[]> {
    return (await pidsWithArg(this.line)).filter(({ argv }) => argv[0] === 'cu');
  }

  /** cu was started `count` times (the test's own restarts) and never stopped by an escape. */
  assertCus(count: number): void {
    const cus = this.log.list().filter((record) => record.argv[0] === 'cu');
    assert.equal(cus.length, count, `cu was restarted; it printed ${JSON.stringify(this.screen.text)}`);
    assert.equal(cus.at(-1)?.running, true);
  }

  async close(): Promise<void> {
    this.session.end('test over');
    const ended = await Promise.race([this.session.closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 5_000))]);
    // A cu caught in an escape command (what these tests guard against) ignores SIGTERM.
    if (!ended) for (const { pid } of await this.cuProcesses()) process.kill(pid, 'SIGKILL');
    this.guest.close();
    this.socat.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
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
