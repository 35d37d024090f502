import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { api } from '../../shared/api/contract.js';
import { ApiError } from '../../shared/api/errors.js';
import { VmName } from '../../shared/validation.js';
import { createHost, type Host } from '../app/host.js';
import { isRunning } from '../host/process.js';
import { JobStore } from '../jobs/job-store.js';
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

test('hostile WebSocket traffic closes sockets, never the server', { timeout: 60_000 }, async () => {
  const frame = fc.oneof(
    anyString.map((s) => ({ data: s, binary: false })),
    requestBody().map((b) => ({ data: JSON.stringify({ t: 'input', data: b }) ?? '', binary: false })),
    fc.constantFrom({ data: '{"t":"ack","bytes":-1}', binary: false }, { data: '{"t":"ack","bytes":1e300}', binary: false }, { data: Buffer.alloc(70 * 1024), binary: true }),
    fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.boolean()).map(([b, binary]) => ({ data: Buffer.from(b), binary })),
  );
  const query = fc.record({ path: fc.constantFrom('/events', '/console', '/nope'), name: fc.oneof(fc.constantFrom(...names), anyString), port: anyString });
  await fc.assert(
    fc.asyncProperty(query, fc.array(frame, { maxLength: 5 }), async (q, frames) => {
      const params = new URLSearchParams({ name: q.name, port: q.port, token });
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}${q.path}?${params.toString()}`, { origin: `http://127.0.0.1:${server.port}` });
      await new Promise<void>((resolve) => {
        ws.on('error', () => resolve());
        ws.on('close', () => resolve());
        ws.on('open', () => {
          for (const f of frames) ws.send(f.data, { binary: f.binary });
          setTimeout(() => ws.terminate(), 5);
        });
      });
    }),
    { seed: SEED, numRuns: 400, interruptAfterTimeLimit: 40_000 },
  );
  assert.equal((await post('listVms', '{}', {})).status, 200);
  await checkCommands();
});

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
