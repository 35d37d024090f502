import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { api } from '../../shared/api/contract.js';
import { ApiError } from '../../shared/api/errors.js';
import { VmName } from '../../shared/validation.js';
import type { Host } from '../app/host.js';
import { exists } from '../datastore/datastore.js';
import { isRunning } from '../host/process.js';
import { JobStore } from '../jobs/job-store.js';
import { type LoopbackServer, startLoopbackServer } from '../web/server.js';

/**
 * Thousands of hostile requests against the real HTTP and WebSocket API of a host of any backend:
 * the server must stay up, answer each with a status or a well-formed error and change nothing
 * outside the datastore. Which host commands may run is the backend's to say (its own test file).
 * Seeded, so a failure replays; bounded in time.
 */
export const FUZZ_TOKEN = 'fuzz-token-0123456789abcdef';
const SEED = 20261129;

/** A temp root holding the datastore and, beside it, decoys: what a path traversal would reach first. */
export async function fuzzRoot(): Promise<{ root: string; datastore: string; decoyDisk: string }> {
  const root = await mkdtemp(join(tmpdir(), 'hivedesk-fuzz-'));
  await mkdir(join(root, 'outside'));
  await writeFile(join(root, 'outside', 'secret.conf'), 'cpu=1\nmemory=64M\n');
  const decoyDisk = join(root, 'outside', 'disk0.img');
  await writeFile(decoyDisk, 'precious');
  return { root, datastore: join(root, 'datastore'), decoyDisk };
}

const hostile = [
  '', ' ', '..', '../outside', '../outside/secret', '/etc/passwd', '/proc/self/environ', '/dev/vda', '/sys/kernel',
  'a\0b', 'a\nb', 'x\r\nmemory=1T', '$(touch /tmp/hivedesk-pwned)', '`id`', '; rm -rf ~', '-rf', '--help', '-name',
  '%2e%2e%2f', 'CON', 'é', '😀', 'a'.repeat(300), '__proto__', 'constructor', 'toString', 'com1', 'com9', 'fzweb1', 'FZWEB1',
];
/**
 * Valid names no other test uses: guests the fuzzer makes may run, and a running bhyve guest's process
 * title (`bhyve: <name>`) is seen machine-wide.
 */
export const fuzzNames = ['fzweb1', 'FZWEB1', 'fz-db-2', 'x', '..', 'a/b', '-rf', 'fz.name_3', 'fuzz1', 'FUZZ1'];

export const anyString: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...hostile), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
const anyValue: fc.Arbitrary<unknown> = fc.oneof(anyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.anything({ maxDepth: 2 }));

const guestName = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...fuzzNames) }, { weight: 1, arbitrary: anyString });
const maybeBoolean = fc.oneof(fc.boolean(), anyValue);

/** Install media may point at the decoy beside the datastore. */
function createInput(decoyDisk: string) {
  const installMedia = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('', '/etc/passwd', '/dev/vda', '/proc/self/environ', '/nonexistent.iso', decoyDisk) }, { weight: 1, arbitrary: anyString });
  const junk = fc.record(
    {
      name: guestName,
      profile: fc.oneof(fc.constantFrom('linux', 'freebsd', 'windows', 'other'), anyString),
      cpus: fc.oneof(fc.constantFrom(1, '2', 0, -1, 65, '1e3', 1.5), anyValue),
      memory: fc.oneof(fc.constantFrom('64M', '1G', '0', '1Q', '99999999999T'), anyString),
      diskSize: fc.oneof(fc.constantFrom('16M', '1G', '1T', '-1G', '0x10'), anyString),
      installMedia,
    },
    { requiredKeys: [] },
  );
  // Well-formed but for the name and the media, so guests get made and the requests after them reach the backend.
  const plausible = fc.record(
    { name: guestName, profile: fc.constantFrom('linux', 'freebsd', 'windows', 'other'), cpus: fc.constantFrom(1, '2'), memory: fc.constantFrom('64M', '256M'), diskSize: fc.constantFrom('16M', '32M'), installMedia },
    { requiredKeys: ['name', 'profile', 'cpus', 'memory', 'diskSize'] },
  );
  return fc.oneof(junk, plausible);
}

const guestRequest = fc.record(
  { name: guestName, newName: guestName, snapshot: fc.oneof(fc.constantFrom('s1', 'fz:1'), anyString), enabled: maybeBoolean, order: anyValue, destroyNewer: maybeBoolean, deleteDisks: maybeBoolean, port: anyValue, cols: anyValue, rows: anyValue },
  { requiredKeys: [] },
);

function requestBody(decoyDisk: string): fc.Arbitrary<unknown> {
  return fc.oneof(createInput(decoyDisk), guestRequest, fc.dictionary(anyString, anyValue, { maxKeys: 4 }), anyValue);
}

/** A guest's life through the API, so that host commands run with what came in a request. */
function lifecycleRequest(decoyDisk: string): fc.Arbitrary<[string, unknown]> {
  const acts = ['stopVm', 'deleteVm', 'cloneVm', 'renameVm', 'takeSnapshot', 'rollbackVm', 'destroySnapshot', 'setAutostart', 'growDisk', 'openConsole'];
  return fc.oneof(
    fc.tuple(fc.constant('createVm'), createInput(decoyDisk)),
    fc.tuple(fc.constantFrom('startVm', 'powerOffVm'), guestRequest),
    fc.tuple(fc.constantFrom(...acts), guestRequest),
  );
}

const channel = fc.oneof(fc.constantFrom(...Object.keys(api)), anyString);
const headers = fc.oneof(
  { weight: 9, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ origin: 'http://evil.example' }, { host: '[::1]evil.com' }, { authorization: 'Bearer nope' }, { host: 'localhost:1' }) },
);

/** The loopback server of one host, the requests that attack it, and the checks every backend shares. */
export class ApiFuzz {
  private constructor(
    readonly server: LoopbackServer,
    private readonly root: string,
    private readonly datastore: string,
    private readonly decoyDisk: string,
    private readonly outsideBefore: string[],
  ) {}

  static async start(host: Host, place: { root: string; datastore: string; decoyDisk: string }): Promise<ApiFuzz> {
    const server = await startLoopbackServer({ host, token: FUZZ_TOKEN, port: 0 });
    return new ApiFuzz(server, place.root, place.datastore, place.decoyDisk, await snapshot(place.root, place.datastore));
  }

  /** The HTTP API under fire: every answer well-formed, the server still up, nothing outside the datastore touched. */
  async hostileHttp(): Promise<void> {
    const wire = fc.oneof(
      { weight: 8, arbitrary: requestBody(this.decoyDisk).map((b) => JSON.stringify(b) ?? '') },
      { weight: 1, arbitrary: anyString },
      { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"polluted":1}}', '{', '[]'.repeat(5000), '"x"'.padEnd(70 * 1024, ' ')) },
    );
    const anyRequest = fc.tuple(channel, wire);
    const request = fc.oneof({ weight: 1, arbitrary: anyRequest }, { weight: 1, arbitrary: lifecycleRequest(this.decoyDisk).map(([c, b]) => [c, JSON.stringify(b)] as const) });
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(request, headers, async ([name, payload], extra) => {
        const res = await this.post(name, payload, extra);
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
    await this.assertUp();
    await this.assertOutsideUnchanged();
  }

  /**
   * Hostile upgrades and frames on every socket path, for `guests` (names the backend set up) and junk
   * names. The upgrade must succeed exactly when token, origin and host all may; returns how many did.
   */
  async hostileWebSocket(guests: readonly string[]): Promise<number> {
    const port = this.server.port;
    const own = `http://127.0.0.1:${port}`;
    const frame = fc.oneof(
      anyString.map((s) => ({ data: s, binary: false })),
      requestBody(this.decoyDisk).map((b) => ({ data: JSON.stringify({ t: 'input', data: b }) ?? '', binary: false })),
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
    // Each part says whether the server may accept it.
    const tokenParam = fc.oneof(
      { weight: 6, arbitrary: fc.constant({ pairs: [['token', FUZZ_TOKEN]], ok: true }) },
      {
        weight: 2,
        arbitrary: fc
          .constantFrom([], [['token', '']], [['token', FUZZ_TOKEN.toUpperCase()]], [['token', `${FUZZ_TOKEN}x`]], [['token', FUZZ_TOKEN.slice(0, -1)]], [['token', 'nope'], ['token', FUZZ_TOKEN]])
          .map((pairs) => ({ pairs, ok: false })),
      },
    );
    const origin = fc.oneof(
      { weight: 6, arbitrary: fc.constant({ origin: own, ok: true }) },
      {
        weight: 2,
        arbitrary: fc
          .constantFrom(undefined, 'null', 'http://evil.example', `http://localhost:${port}`, `http://127.0.0.1:${port}.evil.example`, `https://127.0.0.1:${port}`, 'app://hivedesk', 'file://')
          .map((o) => ({ origin: o, ok: false })),
      },
    );
    const hostHeader = fc.oneof(
      { weight: 8, arbitrary: fc.constant({ host: undefined as string | undefined, ok: true }) },
      { weight: 1, arbitrary: fc.constantFrom('[::1]evil.com', 'evil.example', `127.0.0.1:${port}@evil.example`, '127.0.0.1:99999').map((h) => ({ host: h, ok: false })) },
    );
    const socketGuest = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...guests, 'nosuchvm') },
      { weight: 1, arbitrary: fc.constantFrom(...fuzzNames) },
      { weight: 2, arbitrary: anyString },
    );
    // Query parameters as sent: a name given twice or not at all, a port a screen does not take, junk keys.
    const otherParams = fc.array(fc.oneof(socketGuest.map((name) => ['name', name]), anyString.map((p) => ['port', p]), fc.tuple(anyString, anyString)), { maxLength: 3 });
    const query = fc.record({ path: fc.constantFrom('/events', '/console', '/display', '/display', '/nope'), name: fc.option(socketGuest, { nil: undefined }), otherParams, tokenParam, origin, hostHeader });
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(query, fc.array(frame, { maxLength: 5 }), async (q, frames) => {
        const pairs = [...(q.name === undefined ? [] : [['name', q.name]]), ...q.otherParams, ...q.tokenParam.pairs];
        const params = new URLSearchParams(pairs.map(([key = '', value = '']) => [key, value]));
        const wasOpened = await this.upgrade(`${q.path}?${params.toString()}`, q.origin.origin, q.hostHeader.host, frames);
        if (wasOpened) opened++;
        const allowed = q.tokenParam.ok && q.origin.ok && q.hostHeader.ok;
        assert.equal(wasOpened, allowed, `the upgrade of ${q.path}?${params.toString()} (origin ${q.origin.origin}, host ${q.hostHeader.host})`);
      }),
      { seed: SEED, numRuns: 1000, interruptAfterTimeLimit: 45_000 },
    );
    await this.assertUp();
    return opened;
  }

  /** Opens a socket, sends `frames` and drops it; says whether the server accepted the upgrade. */
  private upgrade(pathAndQuery: string, origin: string | undefined, host: string | undefined, frames: { data: string | Buffer; binary: boolean }[]): Promise<boolean> {
    const ws = new WebSocket(`ws://127.0.0.1:${this.server.port}${pathAndQuery}`, { ...(origin === undefined ? {} : { origin }), headers: host === undefined ? {} : { host } });
    return new Promise<boolean>((resolve) => {
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
  }

  /** Every host command Hivedesk ran (its command log, as the UI lists it). */
  async commands(): Promise<string[][]> {
    const res = await this.post('listCommands', '{}', {});
    return (JSON.parse(res.body) as { value: { argv: string[] }[] }).value.map((r) => r.argv);
  }

  post(channelName: string, payload: string, extra: Record<string, string>): Promise<{ status: number; body: string }> {
    const port = this.server.port;
    const headers = { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, authorization: `Bearer ${FUZZ_TOKEN}`, 'content-type': 'application/json', ...extra };
    const path = `/api/${encodeURIComponent(channelName)}`;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      // The server may close a too-large upload before reading it: that is an answer too.
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? resolve({ status: 413, body: '' }) : reject(err)));
      req.end(payload);
    });
  }

  private async assertUp(): Promise<void> {
    assert.equal((await this.post('listVms', '{}', {})).status, 200, 'the server still answers');
  }

  private async assertOutsideUnchanged(): Promise<void> {
    assert.deepEqual(await snapshot(this.root, this.datastore), this.outsideBefore, 'nothing outside the datastore changed');
    assert.ok(!(await exists('/tmp/hivedesk-pwned')));
  }

  /** Also ends the clones the fuzzer started: one may still be copying a large sparse disk. */
  async close(): Promise<void> {
    for (const job of await new JobStore(this.datastore).list()) if (job.pid !== undefined && isRunning(job.pid)) process.kill(job.pid, 'SIGKILL');
    await this.server.close();
  }
}

/** No argument carries what only unvalidated input could: control characters or shell syntax. */
export function assertNoJunk(argv: readonly string[]): void {
  for (const arg of argv) assert.doesNotMatch(arg, /[\0\n\r`$]/, `an argument carries junk: ${JSON.stringify(argv)}`);
}

/** A disk a new guest gets: `<datastore>/<valid name>/disk0.img`, nothing else. */
export function assertGuestDisk(disk: string, datastore: string): void {
  const [dir, file, ...rest] = relative(datastore, disk).split('/');
  assert.equal(rest.length, 0, disk);
  assert.equal(file, 'disk0.img', disk);
  assert.ok(VmName.safeParse(dir).success, `a disk was made for an invalid name: ${disk}`);
}

/** A clone's job process: Hivedesk's own job-main, on this datastore, with a job id. */
export function isCloneJob(argv: string[], datastore: string): boolean {
  if (argv[0] !== process.execPath || !/\/electron\/jobs\/job-main\.ts$/.test(argv.at(-3) ?? '')) return false;
  const [datastoreArg, id] = argv.slice(-2);
  assert.equal(datastoreArg, datastore);
  assert.match(id ?? '', /^[a-z0-9]+-[0-9a-f]{8}$/);
  return true;
}

/** Every file under `dir` except `skip`, with its content, sorted. */
async function snapshot(dir: string, skip: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (path === skip || path.startsWith(`${skip}/`)) continue;
    out.push(entry.isFile() ? `${path} ${(await readFile(path)).toString('base64')}` : path);
  }
  return out.sort();
}
