import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { createHost, type Host } from '../app/host.js';
import { type LoopbackServer, startLoopbackServer } from './server.js';

let host: Host;
let server: LoopbackServer;
let datastore: string;
const token = 'test-token-0123456789';

before(async () => {
  datastore = await mkdtemp(join(tmpdir(), 'hivedesk-ds-'));
  // The UI's files, with a secret beside them that no request may reach.
  const site = await mkdtemp(join(tmpdir(), 'hivedesk-site-'));
  await mkdir(join(site, 'ui', 'assets'), { recursive: true });
  await writeFile(join(site, 'ui', 'index.html'), '<!doctype html><title>Hivedesk</title>');
  await writeFile(join(site, 'secret.txt'), 'SECRET');
  host = await createHost({ datastore, backend: 'qemu' });
  server = await startLoopbackServer({ host, token, port: 0, staticRoot: join(site, 'ui') });
});

after(async () => {
  host.dispose();
  await server.close();
});

function post(channel: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`http://127.0.0.1:${server.port}/api/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, origin: `http://127.0.0.1:${server.port}`, ...headers },
    body: JSON.stringify(body),
  });
}

/** A raw request, so Host and the path reach the server exactly as written (fetch normalises both). */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('prints a URL with the token, and answers only to loopback host names', { timeout: 10_000 }, async () => {
  assert.equal(server.url, `http://127.0.0.1:${server.port}/?token=${token}`);
  assert.equal((await raw('/', { host: `127.0.0.1:${server.port}` })).status, 200);
  assert.equal((await raw('/', { host: 'attacker.example:80' })).status, 421);
  assert.equal((await raw('/', { host: `127.0.0.1.nip.io:${server.port}` })).status, 421);
});

test('an SSH tunnel on another local port works: the Origin only has to match the Host', { timeout: 10_000 }, async () => {
  const headers = { host: 'localhost:9000', origin: 'http://localhost:9000', authorization: `Bearer ${token}` };
  assert.equal((await raw('/api/listVms', headers, 'POST', '{}')).status, 200);
  assert.equal((await raw('/api/listVms', { ...headers, origin: 'http://localhost:9001' }, 'POST', '{}')).status, 403);
});

test('bad paths and bodies are refused without taking the server down', { timeout: 10_000 }, async () => {
  const host = { host: `127.0.0.1:${server.port}` };
  assert.equal((await raw('/%', host)).status, 400);
  for (const path of ['/../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt']) {
    const res = await raw(path, host);
    assert.ok([403, 404].includes(res.status), `${path}: ${res.status}`);
    assert.notEqual(res.body, 'SECRET');
  }
  const api = { ...host, origin: `http://127.0.0.1:${server.port}`, authorization: `Bearer ${token}` };
  assert.deepEqual(await raw('/api/listVms', api, 'POST', '{not json'), { status: 400, body: 'the body is not JSON' });
  assert.equal((await post('listVms', {})).status, 200);
});

test('requests need the token and our own Origin', { timeout: 10_000 }, async () => {
  assert.equal((await post('listVms', {})).status, 200);
  assert.equal((await post('listVms', {}, { authorization: 'Bearer nope' })).status, 403);
  assert.equal((await post('listVms', {}, { authorization: '' })).status, 403);
  assert.equal((await post('listVms', {}, { origin: 'http://evil.example' })).status, 403);
  assert.equal((await post('listVms', {}, { origin: '' })).status, 403);
  assert.equal(await (await post('listVms', {}, { origin: 'http://evil.example' })).text(), 'unexpected Origin');
});

test('WebSockets need the token and our own Origin', { timeout: 10_000 }, async () => {
  const open = (query: string, origin: string) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?${query}`, { origin });
      ws.on('open', () => (ws.close(), resolve('open')));
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('error', () => resolve('error'));
    });
  const origin = `http://127.0.0.1:${server.port}`;
  assert.equal(await open(`token=${token}`, origin), 'open');
  assert.equal(await open('token=wrong', origin), '403');
  assert.equal(await open(`token=${token}`, 'http://localhost.evil:80'), '403');
});

test('a refused create over the transport changes nothing on disk', { timeout: 10_000 }, async () => {
  const bad = [
    { name: 'my vm', profile: 'linux', cpus: 1, memory: '1G', diskSize: '1G' },
    { name: '-x', profile: 'linux', cpus: 1, memory: '1G', diskSize: '1G' },
    { name: 'ok1', profile: 'linux', cpus: 0, memory: '1G', diskSize: '1G' },
    { name: 'ok1', profile: 'linux', cpus: 1, memory: '1Q', diskSize: '1G' },
    { name: 'ok1', profile: 'linux', cpus: 1, memory: '1G', diskSize: '1G', installMedia: '/nonexistent/x.iso' },
  ];
  for (const input of bad) {
    const result = (await (await post('createVm', input)).json()) as { ok: boolean; error: { code: string; fields: Record<string, string> } };
    assert.equal(result.ok, false, JSON.stringify(input));
    assert.equal(result.error.code, 'invalid_input');
    assert.ok(Object.keys(result.error.fields).length > 0);
  }
  assert.deepEqual(await readdir(datastore), []);
});

test('a create makes the .conf and a sparse disk, and a duplicate is refused', { timeout: 60_000 }, async () => {
  const input = { name: 'web1', profile: 'linux', cpus: '2', memory: '512M', diskSize: '2G' };
  const created = (await (await post('createVm', input)).json()) as { ok: boolean; value: { state: string } };
  assert.equal(created.ok, true);
  assert.equal(created.value.state, 'stopped');
  const disk = await stat(join(datastore, 'web1', 'disk0.img'));
  assert.equal(disk.size, 2 * 1024 ** 3);
  assert.ok(disk.blocks * 512 < 1024 * 1024, 'the disk is sparse');
  const again = (await (await post('createVm', { ...input, name: 'WEB1' })).json()) as { ok: boolean; error: { fields: Record<string, string> } };
  assert.deepEqual(again.error.fields, { name: 'A VM named WEB1 already exists.' });
  const commands = (await (await post('listCommands', {})).json()) as { value: { argv: string[]; exitCode: number }[] };
  assert.deepEqual(commands.value.at(-1), { ...commands.value.at(-1), argv: ['truncate', '-s', '2G', join(datastore, 'web1', 'disk0.img')], exitCode: 0 });
});

test('delete keeps the disks unless asked, refuses a name whose kept disks remain, and removes all when asked', { timeout: 60_000 }, async () => {
  const create = async (name: string) => (await (await post('createVm', { name, profile: 'other', cpus: 1, memory: '64M', diskSize: '16M' })).json()) as { ok: boolean };
  assert.equal((await create('keep1')).ok, true);
  const kept = (await (await post('deleteVm', { name: 'keep1', deleteDisks: false })).json()) as { ok: boolean; value: { removed: string[]; kept: string[] } };
  assert.deepEqual(kept.value, { removed: [join(datastore, 'keep1', 'keep1.conf')], kept: [join(datastore, 'keep1', 'disk0.img')] });
  assert.deepEqual(await readdir(join(datastore, 'keep1')), ['disk0.img']);
  const listed = (await (await post('listVms', {})).json()) as { value: { name: string }[] };
  assert.equal(listed.value.some((vm) => vm.name === 'keep1'), false);
  const again = (await (await post('createVm', { name: 'keep1', profile: 'other', cpus: 1, memory: '64M', diskSize: '16M' })).json()) as { ok: boolean; error: { fields: Record<string, string> } };
  assert.match(again.error.fields.name ?? '', /already has a directory keep1 \(disks kept from a deleted VM\?\)/);

  assert.equal((await create('gone1')).ok, true);
  const all = (await (await post('deleteVm', { name: 'gone1', deleteDisks: true })).json()) as { ok: boolean; value: { kept: string[] } };
  assert.deepEqual(all.value.kept, []);
  assert.equal((await readdir(datastore)).includes('gone1'), false);
});

test('a guest directory whose name Hivedesk refuses is listed with why, not hidden', { timeout: 10_000 }, async () => {
  await mkdir(join(datastore, 'x'));
  await writeFile(join(datastore, 'x', 'x.conf'), 'cpu=1\nmemory=64M\n');
  const listed = (await (await post('listVms', {})).json()) as { value: { name: string; lastFault?: string }[] };
  const odd = listed.value.find((vm) => vm.name === 'x');
  assert.equal(odd?.lastFault, 'Hivedesk cannot read this guest: its name is not one Hivedesk accepts (A name needs at least 2 characters.); rename the directory and its .conf');
});

test('Host is exactly a loopback name with an optional port, and nothing from it reaches the CSP', { timeout: 10_000 }, async () => {
  for (const host of ['[::1]evil.com', '[::1]:80evil', 'localhost:', 'localhost:99999', '127.0.0.1:80:80', 'localhost.', 'LOCALHOST:80 x', '127.0.0.1@evil.com']) {
    assert.equal((await raw('/', { host })).status, 421, host);
  }
  for (const host of ['localhost', 'localhost:9000', '[::1]:8470', `127.0.0.1:${server.port}`]) {
    const res = await fetchRaw('/', host);
    assert.equal(res.status, 200, host);
    assert.doesNotMatch(res.csp, /localhost|::1|9000|8470/, `${host}: ${res.csp}`);
    assert.match(res.csp, /connect-src 'self';/);
  }
});

test('each loopback spelling is its own origin: the page may call in from the address it was opened with', { timeout: 10_000 }, async () => {
  for (const host of ['localhost:9000', '[::1]:8470', `127.0.0.1:${server.port}`, 'localhost']) {
    const headers = { host, origin: `http://${host}`, authorization: `Bearer ${token}` };
    assert.equal((await raw('/api/listVms', headers, 'POST', '{}')).status, 200, host);
    assert.equal((await raw('/api/listVms', { ...headers, origin: `http://127.0.0.2:${server.port}` }, 'POST', '{}')).status, 403, host);
  }
});

function fetchRaw(path: string, host: string): Promise<{ status: number; csp: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, csp: String(res.headers['content-security-policy'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
}
