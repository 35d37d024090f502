import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempPath, writeFileAtomic } from './atomic-write.js';

const repo = join(import.meta.dirname, '../..');
const VERSION_BYTES = 256 * 1024;
let dir: string;
let target: string;
let compiled: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hivedesk-atomic-'));
  target = join(dir, 'guest.conf');
  compiled = await compileForPlainNode();
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(compiled, { recursive: true, force: true });
});

/** The writers run under plain Node: tsx's start-up is most of a writer's life, and would leave time for few kills. */
async function compileForPlainNode(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'hivedesk-atomic-js-'));
  const tsc = join(repo, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '--outDir', out, '--module', 'nodenext', '--target', 'es2022', '--types', 'node', '--skipLibCheck', '--noCheck', join(import.meta.dirname, 'atomic-write.ts')]);
  await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
  return out;
}

/** Version n: its number, a body, its number again; anything else is a torn write. */
const version = (n: number) => `${n}\n${'x'.repeat(VERSION_BYTES)}\n${n}\n`;
const whole = (text: string) => /^(\d+)\n(x+)\n\1\n$/.exec(text)?.[2]?.length === VERSION_BYTES;
const temps = async () => (await readdir(dir)).filter((f) => f.endsWith('.tmp'));

/** Another process (a second Hivedesk, the CLI) writing the file in a tight loop until it is killed. */
function loopingWriter(): { child: ChildProcess; ready: Promise<unknown> } {
  const module = JSON.stringify(join(compiled, 'atomic-write.js'));
  const script = `
    const { writeFileAtomic } = await import(${module});
    console.log('ready');
    for (let n = 1; ; n++) await writeFileAtomic(${JSON.stringify(target)}, \`\${n}\\n\${'x'.repeat(${VERSION_BYTES})}\\n\${n}\\n\`);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return { child, ready: once(child.stdout, 'data') };
}

test('writers killed mid-write leave no temp files behind, and the file is always one whole version', { timeout: 180_000 }, async (t) => {
  await writeFileAtomic(target, version(0));
  const deadline = Date.now() + 60_000;
  let kills = 0;
  let leftBehind = 0;
  while (kills < 300 && Date.now() < deadline) {
    // Two at once: each must also leave the other's temp file alone while it is being written.
    const writers = [loopingWriter(), loopingWriter()];
    await Promise.all(writers.map((w) => w.ready));
    for (const { child } of writers) {
      await sleep(Math.random() * 15);
      child.kill('SIGKILL');
    }
    for (const { child } of writers) {
      const [code, signal] = (child.exitCode !== null || child.signalCode !== null ? [child.exitCode, child.signalCode] : await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
      assert.equal(signal, 'SIGKILL', `a writer failed on its own (exit ${code}): was a live writer's temp file removed?`);
    }
    kills += writers.length;
    leftBehind += (await temps()).length;
    assert.ok(whole(await readFile(target, 'utf8')), `the file holds one whole version after ${kills} kills`);
  }
  t.diagnostic(`${kills} writers killed; ${leftBehind} temp files seen after kills`);
  assert.ok(kills >= 100, `only ${kills} kills in the time allowed`);
  assert.ok(leftBehind > 0, 'some kills landed mid-write (else this test proves nothing)');
  await writeFileAtomic(target, version(1));
  assert.deepEqual(await temps(), []);
  assert.equal(await readFile(target, 'utf8'), version(1));
});

test("a live writer's temp file is left alone; a dead writer's is removed", { timeout: 20_000 }, async () => {
  const live = spawn('sleep', ['30']);
  const dead = spawn('true');
  await once(dead, 'exit');
  try {
    const own = tempPath(target);
    const others = { live: tempPath(target, live.pid), dead: tempPath(target, dead.pid), elsewhere: tempPath(target, dead.pid, 'otherhost') };
    for (const path of [own, ...Object.values(others)]) await writeFile(path, 'half a vers');
    await writeFileAtomic(target, version(2));
    const left = await temps();
    assert.deepEqual(left.sort(), [own, others.live, others.elsewhere].map((p) => p.slice(dir.length + 1)).sort());
  } finally {
    live.kill();
  }
});
