import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { api } from '../../shared/api/contract.js';
import { ApiError } from '../../shared/api/errors.js';
import { VmName } from '../../shared/validation.js';
import { createHost, type Host } from '../app/host.js';
import { Datastore } from '../datastore/datastore.js';
import { isRunning } from '../host/process.js';
import { JobStore } from '../jobs/job-store.js';
import { Cleanup, pollUntil, startQemuStandIn, stopChild, withTimeout } from '../testing/lifecycle.js';
import { type LoopbackServer, startLoopbackServer } from './server.js';

/**
 * Thousands of hostile requests against the real HTTP and WebSocket API (QEMU backend, a temp
 * datastore): the server must stay up, answer each with a status or a well-formed error, change
 * nothing outside the datastore, and run no host command with an argument that did not pass
 * validation. Seeded, so a failure replays; bounded in time.
 */
const token = 'fuzz-token-0123456789abcdef';
const SEED = 20261129;
let root: string;
let datastore: string;
let host: Host;
let server: LoopbackServer;
let outsideBefore: string[];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hivedesk-fuzz-'));
  datastore = join(root, 'datastore');
  // Decoys next to the datastore: what a path traversal would reach first.
  await mkdir(join(root, 'outside'));
  await writeFile(join(root, 'outside', 'secret.conf'), 'cpu=1\nmemory=64M\n');
  await writeFile(join(root, 'outside', 'disk0.img'), 'precious');
  // A user systemd that is not there: start at boot must never enable a unit on the machine running this test.
  await mkdir(join(root, 'bin'));
  await writeFile(join(root, 'bin', 'systemctl'), '#!/bin/sh\necho "Failed to connect to bus: No medium found" >&2\nexit 1\n', { mode: 0o755 });
  process.env.PATH = `${join(root, 'bin')}:${process.env.PATH}`;
  host = await createHost({ datastore, backend: 'qemu' });
  server = await startLoopbackServer({ host, token, port: 0 });
  outsideBefore = await snapshot(root, datastore);
});

after(async () => {
  const handlers = host.handlers(() => '');
  for (const vm of (await handlers.listVms({})).filter((v) => v.state !== 'stopped')) await handlers.powerOffVm({ name: vm.name }).catch(() => undefined);
  host.dispose();
  // A clone the fuzzer started may still be copying a large sparse disk.
  for (const job of await new JobStore(datastore).list()) if (job.pid !== undefined && isRunning(job.pid)) process.kill(job.pid, 'SIGKILL');
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const hostile = [
  '', ' ', '..', '../outside', '../outside/secret', '/etc/passwd', '/proc/self/environ', '/dev/vda', '/sys/kernel',
  'a\0b', 'a\nb', 'x\r\nmemory=1T', '$(touch /tmp/hivedesk-pwned)', '`id`', '; rm -rf ~', '-rf', '--help', '-name',
  '%2e%2e%2f', 'CON', 'é', '😀', 'a'.repeat(300), '__proto__', 'constructor', 'toString', 'com1', 'com9', 'web1', 'WEB1',
];
const names = ['web1', 'WEB1', 'db-2', 'x', '..', 'a/b', '-rf', 'ok.name_3', 'fuzz1', 'FUZZ1'];

const anyString: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...hostile), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
const anyValue: fc.Arbitrary<unknown> = fc.oneof(anyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.anything({ maxDepth: 2 }));
/** Built once the temp root exists, so install media can point at the decoys beside the datastore. */
function createInput() {
  return fc.record(
  {
    name: fc.oneof(fc.constantFrom(...names), anyString),
    profile: fc.oneof(fc.constantFrom('linux', 'freebsd', 'windows', 'other'), anyString),
    cpus: fc.oneof(fc.constantFrom(1, '2', 0, -1, 65, '1e3', 1.5), anyValue),
    memory: fc.oneof(fc.constantFrom('64M', '1G', '0', '1Q', '99999999999T'), anyString),
    diskSize: fc.oneof(fc.constantFrom('16M', '1G', '1T', '-1G', '0x10'), anyString),
      installMedia: fc.oneof(fc.constantFrom('', '/etc/passwd', '/dev/vda', '/proc/self/environ', '/nonexistent.iso', join(root, 'outside', 'disk0.img')), anyString),
    },
    { requiredKeys: [] },
  );
}

function requestBody(): fc.Arbitrary<unknown> {
  return fc.oneof(
    createInput(),
    fc.record({ name: fc.oneof(fc.constantFrom(...names), anyString), port: anyValue, deleteDisks: anyValue, cols: anyValue, rows: anyValue }, { requiredKeys: [] }),
    fc.dictionary(anyString, anyValue, { maxKeys: 4 }),
    anyValue,
  );
}

const channel = fc.oneof(fc.constantFrom(...Object.keys(api)), anyString);
const wire = () =>
  fc.oneof(
    { weight: 8, arbitrary: requestBody().map((b) => JSON.stringify(b) ?? '') },
    { weight: 1, arbitrary: anyString },
    { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"polluted":1}}', '{', '[]'.repeat(5000), '"x"'.padEnd(70 * 1024, ' ')) },
  );
const headers = fc.oneof(
  { weight: 9, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ origin: 'http://evil.example' }, { host: '[::1]evil.com' }, { authorization: 'Bearer nope' }, { host: 'localhost:1' }) },
);

test('thousands of hostile API requests: the server stays up and nothing escapes validation', { timeout: 180_000 }, async () => {
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(channel, wire(), headers, async (name, payload, extra) => {
      const res = await post(name, payload, extra);
      answered++;
      assert.ok([200, 400, 403, 404, 413, 421].includes(res.status), `status ${res.status} for ${name}`);
      if (res.status !== 200) return;
      const result = JSON.parse(res.body) as { ok: boolean; error?: unknown };
      if (!result.ok) ApiError.parse(result.error);
    }),
    { seed: SEED, numRuns: 2500, interruptAfterTimeLimit: 120_000 },
  );
  assert.ok(answered >= 1000, `only ${answered} requests were made in time`);
  assert.deepEqual(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');

  // Still up, still answering.
  const listed = await post('listVms', '{}', {});
  assert.equal(listed.status, 200);
  await checkCommands();
  assert.deepEqual(await snapshot(root, datastore), outsideBefore, 'nothing outside the datastore changed');
  assert.ok(!(await exists('/tmp/hivedesk-pwned')));
});

test('hostile WebSocket traffic closes sockets, never the server', { timeout: 90_000 }, async () => {
  const cleanup = new Cleanup();
  try {
    const vnc = await startDisplayGuests(cleanup);
    const own = `http://127.0.0.1:${server.port}`;
    const frame = fc.oneof(
      anyString.map((s) => ({ data: s, binary: false })),
      requestBody().map((b) => ({ data: JSON.stringify({ t: 'input', data: b }) ?? '', binary: false })),
      fc.constantFrom(
        { data: '{"t":"ack","bytes":-1}', binary: false },
        { data: '{"t":"ack","bytes":1e300}', binary: false },
        // Over the frame limit, binary and text; invalid UTF-8 in a text frame; a screen's worth of input just under the limit.
        { data: Buffer.alloc(70 * 1024), binary: true },
        { data: Buffer.alloc(70 * 1024, 0x61), binary: false },
        { data: Buffer.from([0x61, 0xc3, 0x28, 0xff]), binary: false },
        { data: Buffer.alloc(60 * 1024, 0x41), binary: true },
      ),
      fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.boolean()).map(([b, binary]) => ({ data: Buffer.from(b), binary })),
    );
    // Each part says whether the server may accept it; the upgrade must succeed exactly when all of them may.
    const tokenParam = fc.oneof(
      { weight: 6, arbitrary: fc.constant({ pairs: [['token', token]], ok: true }) },
      {
        weight: 2,
        arbitrary: fc.constantFrom([], [['token', '']], [['token', token.toUpperCase()]], [['token', `${token}x`]], [['token', token.slice(0, -1)]], [['token', 'nope'], ['token', token]]).map((pairs) => ({ pairs, ok: false })),
      },
    );
    const origin = fc.oneof(
      { weight: 6, arbitrary: fc.constant({ origin: own, ok: true }) },
      {
        weight: 2,
        arbitrary: fc
          .constantFrom(undefined, 'null', 'http://evil.example', `http://localhost:${server.port}`, `http://127.0.0.1:${server.port}.evil.example`, `https://127.0.0.1:${server.port}`, 'app://hivedesk', 'file://')
          .map((o) => ({ origin: o, ok: false })),
      },
    );
    const hostHeader = fc.oneof(
      { weight: 8, arbitrary: fc.constant({ host: undefined as string | undefined, ok: true }) },
      { weight: 1, arbitrary: fc.constantFrom('[::1]evil.com', 'evil.example', `127.0.0.1:${server.port}@evil.example`, '127.0.0.1:99999').map((h) => ({ host: h, ok: false })) },
    );
    const guestName = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...DISPLAY_GUESTS, 'fuzzscreen', 'fuzzoff', 'nosuchvm') },
      { weight: 1, arbitrary: fc.constantFrom(...names) },
      { weight: 2, arbitrary: anyString },
    );
    // Query parameters as sent: a name given twice or not at all, a port a screen does not take, junk keys.
    const otherParams = fc.array(
      fc.oneof(
        guestName.map((name) => ['name', name]),
        anyString.map((port) => ['port', port]),
        fc.tuple(anyString, anyString),
      ),
      { maxLength: 3 },
    );
    const query = fc.record({ path: fc.constantFrom('/events', '/console', '/display', '/display', '/nope'), name: fc.option(guestName, { nil: undefined }), otherParams, tokenParam, origin, hostHeader });
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(query, fc.array(frame, { maxLength: 5 }), async (q, frames) => {
        const pairs = [...(q.name === undefined ? [] : [['name', q.name]]), ...q.otherParams, ...q.tokenParam.pairs];
        const params = new URLSearchParams(pairs.map(([key = '', value = '']) => [key, value]));
        const headers = q.hostHeader.host === undefined ? {} : { host: q.hostHeader.host };
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}${q.path}?${params.toString()}`, { ...(q.origin.origin === undefined ? {} : { origin: q.origin.origin }), headers });
        const wasOpened = await new Promise<boolean>((resolve) => {
          let upgraded = false;
          // A refused upgrade is an error, then a close; the server may also close an accepted socket at once.
          ws.on('error', () => undefined);
          ws.on('close', () => resolve(upgraded));
          ws.on('open', () => {
            upgraded = true;
            for (const f of frames) ws.send(f.data, { binary: f.binary });
            setTimeout(() => ws.terminate(), 5);
          });
        });
        if (wasOpened) opened++;
        const allowed = q.tokenParam.ok && q.origin.ok && q.hostHeader.ok;
        assert.equal(wasOpened, allowed, `the upgrade of ${q.path}?${params.toString()} (origin ${q.origin.origin}, host ${q.hostHeader.host})`);
      }),
      { seed: SEED, numRuns: 1000, interruptAfterTimeLimit: 45_000 },
    );
    assert.ok(opened >= 200, `only ${opened} sockets were opened`);
    assert.equal((await post('listVms', '{}', {})).status, 200);
    // The screen proxy still works, and no tab that went away left its guest's screen connection open.
    assert.equal(await displayGreeting(), 'RFB 003.008\n');
    await pollUntil(async () => (await connections(vnc)) === 0, 10_000, 'every proxied screen connection to close');
    await checkCommands();
  } finally {
    await cleanup.run();
  }
});

/** Running guests (a QEMU stand-in named in qemu.pid) whose screen is served, missing, or somewhere Hivedesk must not go. */
const DISPLAY_GUESTS = ['fuzzscreen', 'fuzzblind', 'fuzzfar', 'fuzzgone', 'fuzzrelative'] as const;

/** Starts the guests and a stand-in VNC server that greets as RFB does and swallows what it is sent; returns the server. */
async function startDisplayGuests(cleanup: Cleanup): Promise<Server> {
  const sockets = new Set<Socket>();
  const vnc = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.resume();
    socket.write('RFB 003.008\n');
  });
  const port = await listen(vnc);
  // Connections the proxy failed to close must not keep this test's process alive.
  cleanup.add('stand-in VNC server', () => new Promise((resolve) => (vnc.close(resolve), sockets.forEach((socket) => socket.destroy()))));
  const closed = createServer();
  const closedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  const screens: Record<(typeof DISPLAY_GUESTS)[number], string | undefined> = {
    fuzzscreen: `127.0.0.1:${port}`,
    fuzzblind: undefined,
    fuzzfar: '192.0.2.7:5900',
    fuzzgone: `127.0.0.1:${closedPort}`,
    fuzzrelative: 'unix:vnc.sock',
  };
  const store = new Datastore(datastore);
  for (const [name, screen] of Object.entries(screens)) {
    await mkdir(store.guestDir(name), { recursive: true });
    await writeFile(store.confPath(name), 'cpu=1\nmemory=256M\nhivedesk_backend="qemu"\n');
    const standIn = startQemuStandIn(name, datastore);
    cleanup.add(`${name}'s stand-in`, () => stopChild(standIn, `${name}'s stand-in`));
    await writeFile(store.runtimePath(name, 'qemu.pid'), `${standIn.pid}\n`);
    cleanup.add(`${name}'s pidfile`, () => store.removeRuntime(name, 'qemu.pid'));
    await store.writeConsoles(name, screen === undefined ? {} : { vnc: screen });
  }
  // Stopped, with the screen line a run left behind: the proxy must not reach a stopped guest's old screen.
  await mkdir(store.guestDir('fuzzoff'), { recursive: true });
  await writeFile(store.confPath('fuzzoff'), 'cpu=1\nmemory=256M\nhivedesk_backend="qemu"\n');
  await store.writeConsoles('fuzzoff', { vnc: `127.0.0.1:${port}` });
  return vnc;
}

function listen(net: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    net.once('error', reject);
    net.listen(0, '127.0.0.1', () => {
      const address = net.address();
      resolve(address && typeof address === 'object' ? address.port : 0);
    });
  });
}

function connections(net: Server): Promise<number> {
  return new Promise((resolve, reject) => net.getConnections((err, count) => (err ? reject(err) : resolve(count))));
}

/** What a display tab on the guest with a screen gets first. */
async function displayGreeting(): Promise<string> {
  const params = new URLSearchParams({ name: 'fuzzscreen', token });
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/display?${params.toString()}`, { origin: `http://127.0.0.1:${server.port}` });
  try {
    const first = new Promise<string>((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(data.toString()));
      ws.once('error', reject);
      ws.once('close', (code, reason) => reject(new Error(`closed: ${code} ${reason.toString()}`)));
    });
    return await withTimeout(first, 10_000, "the guest's RFB greeting through /display");
  } finally {
    ws.terminate();
  }
}

/** Every command run so far: only the expected programs, and arguments that could only come from validated input. */
async function checkCommands(): Promise<void> {
  const res = await post('listCommands', '{}', {});
  const records = (JSON.parse(res.body) as { value: { argv: string[] }[] }).value;
  for (const { argv } of records) {
    if (isCloneJob(argv)) continue;
    if (argv[0] === 'systemctl') {
      assert.deepEqual(argv, ['systemctl', '--user', 'show-environment'], 'start at boot only asks whether there is a user systemd');
      continue;
    }
    assert.ok(['truncate', 'qemu-system-x86_64', 'cu'].includes(argv[0] ?? ''), `unexpected command ${JSON.stringify(argv)}`);
    for (const arg of argv) assert.doesNotMatch(arg, /[\0\n\r`$]/, `an argument carries junk: ${JSON.stringify(argv)}`);
    if (argv[0] === 'truncate') {
      const disk = argv.at(-1) ?? '';
      const [dir, file, ...rest] = relative(datastore, disk).split('/');
      assert.equal(rest.length, 0, disk);
      assert.equal(file, 'disk0.img', disk);
      assert.ok(VmName.safeParse(dir).success, `a disk was made for an invalid name: ${disk}`);
    }
  }
}

/** A clone's job process: Hivedesk's own job-main, on this datastore, with a job id. */
function isCloneJob(argv: string[]): boolean {
  if (argv[0] !== process.execPath) return false;
  const [datastoreArg, id] = argv.slice(-2);
  assert.match(argv.at(-3) ?? '', /\/electron\/jobs\/job-main\.ts$/, JSON.stringify(argv));
  assert.equal(datastoreArg, datastore);
  assert.match(id ?? '', /^[a-z0-9]+-[0-9a-f]{8}$/);
  return true;
}

function post(channelName: string, payload: string, extra: Record<string, string>): Promise<{ status: number; body: string }> {
  const headers = { host: `127.0.0.1:${server.port}`, origin: `http://127.0.0.1:${server.port}`, authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra };
  const path = `/api/${encodeURIComponent(channelName)}`;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method: 'POST', path, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    // The server may close a too-large upload before reading it: that is an answer too.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? resolve({ status: 413, body: '' }) : reject(err)));
    req.end(payload);
  });
}

/** Every file under `dir` except `skip`, with its size and content hash stand-in (the text), sorted. */
async function snapshot(dir: string, skip: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (path === skip || path.startsWith(`${skip}/`)) continue;
    out.push(entry.isFile() ? `${path} ${(await readFile(path)).toString('base64')}` : path);
  }
  return out.sort();
}

function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
