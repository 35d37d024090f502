import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { constants, openSync, readSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CommandLog } from '../host/command-log.js';
import { letCuOpen } from './cu-access.js';
import { processesWithArg, Screen, waitFor } from '../testing/support.js';
import { ConsoleSession } from './session.js';
import { SerialLog } from './serial-log.js';
import { serialLogPath, startSerialLogs } from '../datastore/serial-logs.js';

/** A real pty pair (socat) standing in for a guest's serial line: the real cu reads one end. */
let socat: ChildProcess;
let dir: string;
let guestSide: number;
/** The line as QEMU reports it: a /dev/pts path (cu, running as uucp, could not pass our 0700 temp dir). */
let line: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hivedesk-pty-'));
  socat = spawn('socat', [`pty,raw,echo=0,link=${dir}/line`, `pty,raw,echo=0,link=${dir}/guest`], { stdio: 'ignore' });
  await waitFor(async () => (await readdir(dir)).length === 2, 'socat ptys');
  line = await realpath(`${dir}/line`);
  await letCuOpen(line);
  // Non-blocking: a blocking read would stall the event loop that is about to send what it waits for.
  guestSide = openSync(`${dir}/guest`, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
});

after(() => {
  closeSync(guestSide);
  socat.kill();
});


test('one cu is shared: late viewers get the replay, input reaches the line, end() leaves no cu', { timeout: 60_000 }, async () => {
  const log = new CommandLog();
  const session = new ConsoleSession({ endpoint: { kind: 'cu', device: line }, log });
  const first = new Screen();
  session.attach(first);
  await waitFor(async () => (await cuOn(line)).length > 0, 'cu to start');
  // cu prints "Connected." once it holds the line; only then is guest output certain to reach it.
  await waitFor(async () => first.text.includes('Connected'), 'cu to connect').catch((err: Error) => {
    throw new Error(`${err.message}; cu printed ${JSON.stringify(first.text)}`);
  });
  writeSync(guestSide, 'FreeBSD/amd64 (guest) (ttyu0)\r\n\r\nlogin: ');
  await waitFor(async () => first.text.includes('login: '), 'guest output in the first viewer');

  const late = new Screen();
  const lateView = session.attach(late);
  assert.match(late.text, /FreeBSD\/amd64 \(guest\)[\s\S]*login: $/);

  session.write('root\r');
  const typed = await readLine(guestSide, 'root');
  assert.equal(typed, 'root\r');

  lateView.detach();
  assert.equal(session.viewerCount, 1);
  assert.ok((await cuOn(line)).length > 0, 'detaching a viewer keeps cu running');

  session.end('web1 stopped');
  assert.equal(first.closedWith, 'web1 stopped');
  await waitFor(async () => (await cuOn(line)).length === 0, 'cu to exit');
  const record = log.list().find((r) => r.argv[0] === 'cu');
  assert.deepEqual(record?.argv, ['cu', '-l', line, '-s', '115200']);
});

test('a tab opened late starts with what the hypervisor logged before cu had the line, shown once', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hivedesk-guest-'));
  const path = serialLogPath(dir, 'com1');
  await startSerialLogs(dir, ['com1']);
  await writeFile(path, 'GRUB loading.\r\nLinux version 6.1\r\npanic: VFS: unable to mount root\r\n');
  const badges: unknown[] = [];
  const session = new ConsoleSession({ endpoint: { kind: 'cu', device: line }, log: new CommandLog(), serialLog: new SerialLog(path, 'hypervisor'), onBadge: (b) => badges.push(b) });
  const early = new Screen();
  session.attach(early);
  await waitFor(async () => early.text.includes('Connected'), 'cu to connect');
  writeSync(guestSide, 'Rebooting in 10 seconds\r\n');
  await early.expect('Rebooting');
  const late = new Screen();
  session.attach(late);
  assert.match(late.text, /^GRUB loading\.\r\nLinux version 6\.1\r\npanic: VFS[^]*Connected[^]*Rebooting in 10 seconds\r\n$/);
  assert.equal(late.text.split('Linux version').length, 2, 'the boot is shown once');
  assert.deepEqual(badges, ['panic'], 'a panic in the log is a badge like a live one');
  session.end('stopped');
  await session.closed;
});

test('without a hypervisor log the console keeps one, and the next session shows it first', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hivedesk-guest-'));
  const path = serialLogPath(dir, 'com1');
  const first = new ConsoleSession({ endpoint: { kind: 'cu', device: line }, log: new CommandLog(), serialLog: new SerialLog(path, 'console') });
  const screen = new Screen();
  first.attach(screen);
  await waitFor(async () => screen.text.includes('Connected'), 'cu to connect');
  writeSync(guestSide, 'Consoles: userboot\r\nFreeBSD/amd64 (guest) (ttyu0)\r\n\r\nlogin: ');
  await screen.expect('login: ');
  first.end('the app closed');
  await first.closed;
  const second = new ConsoleSession({ endpoint: { kind: 'cu', device: line }, log: new CommandLog(), serialLog: new SerialLog(path, 'console') });
  const again = new Screen();
  second.attach(again);
  assert.match(again.text, /Consoles: userboot\r\nFreeBSD\/amd64 \(guest\) \(ttyu0\)\r\n\r\nlogin: /);
  second.end('stopped');
  await second.closed;
  assert.match(await readFile(path, 'utf8'), /login: /);
});

async function readLine(fd: number, expected: string): Promise<string> {
  const buffer = Buffer.alloc(256);
  let text = '';
  await waitFor(async () => {
    try {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      text += buffer.subarray(0, n).toString('utf8');
    } catch {
      // EAGAIN: nothing yet.
    }
    return text.includes(expected);
  }, `"${expected}" on the line`);
  return text;
}

async function cuOn(device: string): Promise<string[][]> {
  return (await processesWithArg(device)).filter((argv) => argv[0]?.endsWith('cu'));
}
