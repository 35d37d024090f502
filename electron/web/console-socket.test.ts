import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as pty from 'node-pty';
import { WebSocket } from 'ws';
import { consoleQuery, type Hivedesk, openSerialLine, RIG_GUEST, type SerialLine, startHivedesk } from '../testing/console-rig.js';
import { Cleanup, withTimeout } from '../testing/lifecycle.js';
import { waitFor } from '../testing/support.js';

/**
 * The console WebSocket under abuse: a real cu on a socat pty pair (the guest's line), the
 * real loopback server, and tabs that misbehave. The server runs in this process, so a crash
 * would end the test file.
 */
const MiB = 1024 * 1024;
let root: string;
let cleanup: Cleanup;
let line: SerialLine;
let hivedesk: Hivedesk;
const PASTE_RATE = 512 * 1024;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hivedesk-console-socket-'));
  cleanup = new Cleanup();
  cleanup.add('temp dir', () => rm(root, { recursive: true, force: true }));
  line = await openSerialLine(join(root, 'line'), cleanup);
  hivedesk = await startHivedesk(root, line.device, cleanup, { consoleInputBytesPerSecond: PASTE_RATE });
  const first = await hivedesk.viewer(10_000);
  await first.tally.until('Connected.', 10_000);
  await first.close();
});

after(() => cleanup.run());

function rawSocket(path: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${hivedesk.server.port}${path}`, { origin: `http://127.0.0.1:${hivedesk.server.port}` });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeOf(ws: WebSocket): Promise<number> {
  return withTimeout(new Promise<number>((resolve) => ws.once('close', (code) => resolve(code))), 5_000, 'the server to close the socket');
}

/** The guest writes `bytes` of lines ending in a marker; resolves when `viewer` has the marker. */
async function flood(bytes: number, marker: string): Promise<string> {
  const body = `${'0123456789abcdef'.repeat(4)}\n`.repeat(Math.ceil(bytes / 65)).slice(0, bytes);
  await line.guest.write(`${body}${marker}`);
  return body;
}

test('a frame over the limit, invalid UTF-8 or junk closes that socket only, never the server', { timeout: 30_000 }, async () => {
  // A guest that does not exist is refused (4409) whether or not the frame was read first.
  const paths: [string, number[]][] = [
    [`/events?token=${new URLSearchParams(consoleQuery()).get('token')}`, []],
    [consoleQuery(), []],
    [consoleQuery('noguest'), [4409]],
  ];
  for (const [path, alsoFine] of paths) {
    const big = await rawSocket(path);
    const bigClosed = closeOf(big);
    big.send('x'.repeat(70 * 1024));
    assert.ok([1009, ...alsoFine].includes(await bigClosed), `${path}: message too big`);

    const bad = await rawSocket(path);
    const badClosed = closeOf(bad);
    bad.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    assert.ok([1007, ...alsoFine].includes(await badClosed), `${path}: invalid UTF-8`);
  }
  const junk = await rawSocket(consoleQuery());
  const junkClosed = closeOf(junk);
  junk.send('{"t":"input","data":""}');
  assert.equal(await junkClosed, 1008, 'a message outside the protocol');

  const viewer = await hivedesk.viewer(5_000);
  await flood(1000, '<<still up>>');
  await viewer.tally.until('<<still up>>', 10_000);
  await viewer.close();
});

test('tabs closed while they attach are never attached, and hold back neither the others nor the guest', { timeout: 60_000 }, async () => {
  // A fresh session, so attaching has to wait for cu: the window in which a tab can vanish.
  await hivedesk.host.consoles.endGuest(RIG_GUEST, 'restarting for the test');
  const vanished = Array.from({ length: 12 }, async () => {
    const ws = await rawSocket(consoleQuery());
    ws.terminate();
  });
  await Promise.all(vanished);
  const live = await hivedesk.viewer(10_000);
  await live.tally.until('Connected.', 10_000);
  await waitFor(() => hivedesk.host.consoles.find(RIG_GUEST, 'com1')?.viewerCount === 1, 'only the live tab to be attached', 5_000);
  // Well past the 4 MiB at which a dead tab's queue used to pause the console for everyone.
  live.tally.reset();
  const body = await flood(6 * MiB, '<<after vanished tabs>>');
  const count = await live.tally.until('<<after vanished tabs>>', 30_000);
  assert.equal(count, body.length + '<<after vanished tabs>>'.length);
  await live.close();
});

test('a tab that stops drawing is skipped, then catches up exactly, or starts over when its output is gone', { timeout: 60_000 }, async () => {
  const stalled = await hivedesk.viewer(5_000, { ack: false });
  const live = await hivedesk.viewer(5_000);
  const start = stalled.received;
  // Less than what the stalled tab may have outstanding: it gets everything, without acknowledging.
  await flood(200 * 1024, '<<small>>');
  await live.tally.until('<<small>>', 10_000);
  await stalled.tally.until('<<small>>', 10_000);

  // Behind by less than the session keeps: once it draws again, it gets exactly what it missed.
  stalled.tally.reset();
  const medium = await flood(1.5 * MiB, '<<medium>>');
  await live.tally.until('<<medium>>', 30_000);
  assert.ok(stalled.received - start < 1.5 * MiB, 'the stalled tab was skipped');
  stalled.ack();
  assert.equal(await stalled.tally.until('<<medium>>', 10_000), medium.length + '<<medium>>'.length, 'and caught up without a gap');
  assert.equal(stalled.notices.filter((n) => n.t === 'resync').length, 0);

  live.tally.reset();
  const body = await flood(4 * MiB, '<<big>>');
  assert.equal(await live.tally.until('<<big>>', 30_000), body.length + '<<big>>'.length, 'the live tab gets every byte');
  assert.ok(stalled.received - start < 4 * MiB, `the stalled tab was skipped (got ${stalled.received - start} bytes)`);

  // It draws what it had: told it missed output, it gets the replay, which ends with the marker.
  stalled.ack();
  await waitFor(() => stalled.notices.some((n) => n.t === 'resync'), 'the stalled tab to be resynchronised', 5_000);
  const resync = stalled.notices.find((n) => n.t === 'resync');
  assert.ok(resync && resync.t === 'resync' && resync.skipped > MiB, JSON.stringify(resync));
  await stalled.tally.until('<<big>>', 5_000);
  // What it was told it missed is exactly what it never got: together they are everything the guest said.
  const said = [200 * 1024, '<<small>>'.length, medium.length, '<<medium>>'.length, body.length, '<<big>>'.length].reduce((a, b) => a + b);
  assert.equal(stalled.received - start + resync.skipped, said);
  await stalled.close();
  await live.close();
});

test('a 1 MiB paste reaches the line whole and in order, in pieces under the frame limit, paced', { timeout: 60_000 }, async () => {
  const viewer = await hivedesk.viewer(5_000);
  // Lines that start with ~ too: cu must pass them on, not take them as its commands.
  const lines = Array.from({ length: 16 * 1024 }, (_, i) => `${i % 7 === 0 ? '~' : ''}line ${i} ${'x'.repeat(48)}`.slice(0, 63));
  const text = `${lines.join('\r')}\r`.padEnd(MiB, 'y');
  const received = collect(line.guest, text.length);
  const started = performance.now();
  await viewer.paste(text, 45_000);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(await withTimeout(received, 10_000, 'the whole paste on the line'), text);
  assert.ok(seconds >= (MiB - 1024) / PASTE_RATE, `${seconds} s is faster than the line's ${PASTE_RATE} B/s`);
  await viewer.close();
});

/** What the guest reads from its line until `length` characters arrived (the paste is ASCII). */
function collect(guest: SerialLine['guest'], length: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const stop = guest.onData((data) => {
      text += data.toString('latin1');
      if (text.length >= length) {
        stop();
        resolve(text);
      }
    });
  });
}

test('a tab that sends input without waiting for the line is cut off, and its input does not pile up', { timeout: 30_000 }, async () => {
  const ws = await rawSocket(consoleQuery());
  const closed = closeOf(ws);
  const piece = JSON.stringify({ t: 'input', data: 'x'.repeat(1024) });
  for (let i = 0; i < 2048 && ws.readyState === ws.OPEN; i++) ws.send(piece);
  assert.equal(await closed, 1008);
  // The others carry on.
  const viewer = await hivedesk.viewer(5_000);
  await flood(100, '<<after the input flood>>');
  await viewer.tally.until('<<after the input flood>>', 10_000);
  await viewer.close();
});

test('what the console waits for (a login prompt) and what went wrong (a panic) become badges for every window', { timeout: 30_000 }, async () => {
  const seen: unknown[] = [];
  const unsubscribe = hivedesk.host.events.subscribe((name, payload) => {
    if (name === 'onDidChangeConsoleBadges') seen.push(payload);
  });
  try {
    await line.guest.write('\r\nFreeBSD/amd64 (benchvm) (ttyu0)\r\n\r\nlogin: ');
    await waitFor(() => JSON.stringify(seen.at(-1)) === JSON.stringify([{ name: RIG_GUEST, port: 'com1', badge: 'login' }]), 'a login badge', 10_000, () => JSON.stringify(seen));
    await line.guest.write('root\r\n# \r\npanic: page fault\r\n');
    await waitFor(() => JSON.stringify(seen.at(-1)) === JSON.stringify([{ name: RIG_GUEST, port: 'com1', badge: 'panic' }]), 'a panic badge', 10_000, () => JSON.stringify(seen));
    assert.deepEqual(hivedesk.host.consoles.listBadges(), [{ name: RIG_GUEST, port: 'com1', badge: 'panic' }]);
  } finally {
    unsubscribe();
  }
});

test('a line held by a cu outside Hivedesk: the tab is told who holds it, and Take over gets the line', { timeout: 60_000 }, async () => {
  await hivedesk.host.consoles.endGuest(RIG_GUEST, 'restarting for the test');
  const outside = pty.spawn('cu', ['-l', line.device, '-s', '115200'], { name: 'xterm', cols: 80, rows: 24, env: process.env });
  let outsideSaw = '';
  outside.onData((d) => (outsideSaw += d));
  const outsideExited = new Promise<void>((resolve) => outside.onExit(() => resolve()));
  try {
    await waitFor(() => outsideSaw.includes('Connected'), 'the outside cu to hold the line', 10_000);
    const viewer = await hivedesk.viewer(10_000);
    await waitFor(() => viewer.notices.some((n) => n.t === 'held'), 'the tab to hear the line is held', 15_000, () => JSON.stringify(viewer.notices));
    const held = viewer.notices.find((n) => n.t === 'held');
    assert.ok(held?.t === 'held' && held.holder, JSON.stringify(held));
    assert.equal(held.holder.pid, outside.pid);
    assert.match(held.holder.command, /^cu -l \/dev\/pts\/\d+ -s 115200$/);

    const stopped = await hivedesk.host.consoles.takeOver(RIG_GUEST, 'com1');
    assert.equal(stopped.pid, outside.pid);
    await withTimeout(outsideExited, 5_000, 'the outside cu to exit');
    await waitFor(() => viewer.notices.at(-1)?.t === 'free', 'the tab to hear Hivedesk has the line', 15_000, () => JSON.stringify(viewer.notices));
    await viewer.tally.until('Connected', 10_000);
    await flood(100, '<<after the take over>>');
    await viewer.tally.until('<<after the take over>>', 10_000);
    await viewer.close();
  } finally {
    outside.kill();
  }
});
