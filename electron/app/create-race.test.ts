import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import type { ApiError } from '../../shared/api/errors.js';
import { dispatch } from './dispatcher.js';
import { createHost, type Host } from './host.js';

/** Case variants of one name: vm-bhyve treats them as one guest, so only one may ever be made. */
function variants(base: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => [...base].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c)).join(''));
}

const input = (name: string) => ({ name, profile: 'other', cpus: 1, memory: '64M', diskSize: '16M' });

let datastore: string;
let host: Host;

before(async () => {
  datastore = await mkdtemp(join(tmpdir(), 'hivedesk-race-'));
  host = await createHost({ datastore });
});

after(async () => {
  host.dispose();
  await rm(datastore, { recursive: true, force: true });
});

/** Of racing creates exactly one wins; every other is a conflict on the name, with no path in it. */
function assertOneWinner(results: ({ ok: true } | { ok: false; error: ApiError })[], names: string[]): void {
  const winners = results.filter((r) => r.ok);
  assert.equal(winners.length, 1, `one of ${names.join(', ')} wins: ${JSON.stringify(results)}`);
  for (const result of results) {
    if (result.ok) continue;
    assert.equal(result.error.code, 'conflict', JSON.stringify(result.error));
    assert.ok(result.error.fields?.name, 'the message goes next to the Name field');
    assert.ok(!result.error.message.includes(datastore), `no path in "${result.error.message}"`);
  }
}

async function guestDirs(base: string): Promise<string[]> {
  return (await readdir(datastore)).filter((entry) => entry.toLowerCase() === base);
}

test('concurrent creates of names differing only in case: one wins, the rest are conflicts', { timeout: 60_000 }, async () => {
  const handlers = host.handlers(() => '');
  for (const base of ['casevm', 'racer1', 'dup-me']) {
    const names = [...variants(base, 12), base, base];
    const results = await Promise.all(names.map((name) => dispatch(handlers, 'createVm', input(name))));
    assertOneWinner(results, names);
    assert.equal((await guestDirs(base)).length, 1);
  }
});

/** A Hivedesk process (the GUI or the CLI) that creates one guest when told to go. */
type Outcome = { ok: true } | { ok: false; error: ApiError };

function creator(name: string): { child: ChildProcess; ready: Promise<void>; result: Promise<Outcome> } {
  const core = new URL('./core.ts', import.meta.url).href;
  const errors = new URL('../errors.ts', import.meta.url).href;
  const script = `
    const { createCore } = await import(${JSON.stringify(core)});
    const { AppError } = await import(${JSON.stringify(errors)});
    const { vms } = await createCore({ datastore: ${JSON.stringify(datastore)}, backend: 'qemu' });
    console.log('ready');
    process.stdin.once('data', async () => {
      const result = await vms.createVm(${JSON.stringify(input(name))}).then(
        () => ({ ok: true }),
        (err) => ({ ok: false, error: { code: err instanceof AppError ? err.code : 'internal', message: err.message, ...(err.fields ? { fields: err.fields } : {}) } }),
      );
      console.log(JSON.stringify(result));
      process.exit(0);
    });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '../..'), stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ready = lines.next().then((line) => assert.equal(line.value, 'ready'));
  const result = ready.then(async () => JSON.parse(String((await lines.next()).value)) as Outcome);
  return { child, ready, result };
}

test('two processes on one datastore racing with case variants: one wins', { timeout: 120_000 }, async () => {
  for (const base of ['procvm1', 'procvm2', 'procvm3', 'procvm4', 'procvm5']) {
    const names = variants(base, 3);
    const creators = names.map(creator);
    try {
      await Promise.all(creators.map((c) => c.ready));
      for (const c of creators) c.child.stdin!.write('go\n');
      assertOneWinner(await Promise.all(creators.map((c) => c.result)), names);
    } finally {
      for (const c of creators) c.child.kill();
    }
    assert.equal((await guestDirs(base)).length, 1);
  }
});
