/**
 * `npm run bench` runs every benchmark in turn; `npm run bench -- list` only the ones named.
 * Each runs in a process of its own, so one's crash or leftovers cannot skew the next, and
 * every one runs even when an earlier one failed.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BENCHMARKS = ['console', 'list', 'ui', 'console-ui'];
/** Each benchmark bounds itself well within this; the runner's own backstop. */
const TIMEOUT_MS = 10 * 60_000;

const named = process.argv.slice(2);
const unknown = named.filter((name) => !BENCHMARKS.includes(name));
if (unknown.length) {
  console.error(`no benchmark named ${unknown.join(', ')}; there are: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}

const failed: string[] = [];
for (const name of named.length ? named : BENCHMARKS) {
  console.error(`\n== ${name}.bench.ts`);
  const script = join(import.meta.dirname, `${name}.bench.ts`);
  // SIGTERM, not SIGKILL, on the timeout: each benchmark cleans up its processes and temp dir on it.
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit', timeout: TIMEOUT_MS, killSignal: 'SIGTERM' });
  if (run.status !== 0) failed.push(name);
}
if (failed.length) console.error(`\nfailed: ${failed.join(', ')}`);
process.exit(failed.length ? 1 : 0);
