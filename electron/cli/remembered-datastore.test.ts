import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { defaultSettingsFile, rememberDatastore } from '../app/last-datastore.js';

/** Without --datastore the CLI acts on the datastore the GUI remembers, and says so on stderr. */
const repo = join(import.meta.dirname, '../..');
const run = promisify(execFile);
let home: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'hivedesk-cli-remembered-'));
  env = { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data') };
});

after(() => rm(home, { recursive: true, force: true }));

async function datastoreWith(name: string): Promise<string> {
  const datastore = join(home, `${name}-store`);
  await mkdir(join(datastore, name), { recursive: true });
  await writeFile(join(datastore, name, `${name}.conf`), 'loader="bhyveload"\ncpu=1\nmemory=256M\n');
  return datastore;
}

async function list(...args: string[]): Promise<{ names: string[]; stderr: string }> {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(repo, 'electron/cli/hivedesk.ts'), 'list', '--json', ...args, '--backend', 'qemu'], { cwd: repo, env });
  return { names: (JSON.parse(stdout) as { name: string }[]).map((vm) => vm.name), stderr };
}

test('list uses the remembered datastore, names it on stderr, and --datastore still wins', { timeout: 60_000 }, async () => {
  const remembered = await datastoreWith('remembered1');
  await rememberDatastore(defaultSettingsFile(env), { path: remembered });
  const used = await list();
  assert.deepEqual(used.names, ['remembered1']);
  assert.equal(used.stderr, `hivedesk: datastore ${remembered}, the one Hivedesk opened last; --datastore picks another\n`);

  const given = await list('--datastore', await datastoreWith('given1'));
  assert.deepEqual([given.names, given.stderr], [['given1'], '']);
});

test('a remembered datastore that is gone is not made again: the default is used, with a warning', { timeout: 60_000 }, async () => {
  await rememberDatastore(defaultSettingsFile(env), { path: join(home, 'removed-store') });
  const used = await list();
  const fallback = join(home, 'data', 'hivedesk', 'vm');
  assert.deepEqual(used.names, []);
  const lines = used.stderr.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^hivedesk: The datastore opened last cannot be opened .*; using .*hivedesk\/vm\.$/);
  assert.equal(lines[1], `hivedesk: datastore ${fallback}, the default; --datastore picks another`);
});
