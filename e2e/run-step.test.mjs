import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runStep } from './run-step.mjs';

/** Zombies count as gone: they run nothing, and only their parent can reap them. */
function alive(pid) {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const pids = (output) => output.trim().split('\n').map(Number);

test('a step over its limit is stopped by name, with its children and the daemons they started', { timeout: 30_000 }, async () => {
  // One child in the step's process group, one in a session of its own as QEMU -daemonize makes.
  const script = 'sleep 300 & echo $!; setsid sleep 301 & echo $!; wait';
  const run = await runStep(['bash', '-c', script], { cwd: '/', timeoutMs: 500, stdout: 'pipe' });
  assert.deepEqual({ ok: run.ok, timedOut: run.timedOut, how: run.how }, { ok: false, timedOut: true, how: 'timed out after 0.5 s' });
  const [child, daemon] = pids(run.output);
  assert.ok(child && daemon, run.output);
  assert.equal(alive(child), false, 'the child in the process group is gone');
  assert.equal(alive(daemon), false, 'the daemon in its own session is gone');
  assert.ok(run.leftovers.includes(`${daemon} sleep 301`), run.leftovers.join('\n'));
});

test('a step that passes but leaves a daemon behind: the daemon is stopped and named', { timeout: 30_000 }, async () => {
  const run = await runStep(['bash', '-c', 'setsid sleep 302 & echo $!'], { cwd: '/', timeoutMs: 20_000, stdout: 'pipe' });
  assert.deepEqual({ ok: run.ok, timedOut: run.timedOut, how: run.how }, { ok: true, timedOut: false, how: 'exited with status 0' });
  const [daemon] = pids(run.output);
  assert.equal(alive(daemon ?? 0), false);
  // Named by pid and command line: caught before its execs the forked child still reads as bash, or as setsid.
  assert.equal(run.leftovers.length, 1);
  assert.match(run.leftovers[0] ?? '', new RegExp(`^${daemon} ((setsid )?sleep 302|bash -c setsid sleep 302 & echo \\$!)$`));
});

test('a step that cannot start says so', { timeout: 30_000 }, async () => {
  const run = await runStep(['/nonexistent/tool'], { cwd: '/', timeoutMs: 20_000 });
  assert.equal(run.ok, false);
  assert.match(run.how, /^could not start \(spawn \/nonexistent\/tool ENOENT\)$/);
});
