import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';

const repo = join(import.meta.dirname, '..');

/** The fuse table under README's "Electron hardening": fuse name -> on/off. */
async function documentedFuses(): Promise<Record<string, boolean>> {
  const readme = await readFile(join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Electron hardening'), readme.indexOf('\n## ', readme.indexOf('### Electron hardening')));
  return Object.fromEntries([...section.matchAll(/^\| `(\w+)` \| (on|off) \|/gm)].map((m): [string, boolean] => [m[1] ?? '', m[2] === 'on']));
}

test("electron-builder accepts the fuse settings, and they are the README's", { timeout: 60_000 }, async () => {
  // electron-builder's own loading and schema check, so a misspelt fuse fails here, not at `npm run dist`.
  const config = await getConfig(repo, 'electron-builder.yml', null);
  await validateConfiguration(config, new DebugLogger(false));
  assert.deepEqual(config.electronFuses, await documentedFuses());
  assert.equal(config.electronFuses?.runAsNode, true, 'the bhyve supervisor runs as ELECTRON_RUN_AS_NODE=1');
});
