import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { exists } from '../datastore/datastore.js';
import { CommandLog } from '../host/command-log.js';
import { HostRunner, type RunOptions, type RunResult } from '../host/run.js';
import { SystemdAutostart } from './systemd-autostart.js';

/**
 * Linux's start at boot: a systemd user unit running `hivedesk startall`. This machine has no
 * user systemd, so a stand-in `systemctl` on PATH records what it is asked and answers
 * `show-environment` as systemd does, or fails as it does without a user manager.
 */
let root: string;
let env: NodeJS.ProcessEnv;
let calls: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hivedesk-systemd-'));
  const bin = join(root, 'bin');
  calls = join(root, 'systemctl.calls');
  await mkdir(bin);
  await writeFile(
    join(bin, 'systemctl'),
    `#!/bin/sh
echo "$*" >> "${calls}"
if [ "$2" = show-environment ] && [ -e "${root}/no-user-manager" ]; then echo 'Failed to connect to bus: No medium found' >&2; exit 1; fi
exit 0
`,
  );
  await chmod(join(bin, 'systemctl'), 0o755);
  env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, XDG_CONFIG_HOME: join(root, 'config') };
});

after(() => rm(root, { recursive: true, force: true }));

const runner = () => new HostRunner(new CommandLog());

test('the unit and the list are written, the unit enabled, and what it runs starts the list', { timeout: 60_000 }, async () => {
  const datastore = join(root, 'vm');
  await mkdir(datastore);
  const autostart = new SystemdAutostart(runner(), datastore, env);
  const fresh = await autostart.read();
  assert.deepEqual([fresh.mechanism, fresh.available, fresh.list, fresh.delay], ['systemd-user', true, [], 2]);

  const plan = await autostart.plan({ list: ['web1', 'db1'], delay: 3 });
  const unit = join(root, 'config', 'systemd', 'user', autostart.unitName);
  assert.match(autostart.unitName, /^hivedesk-autostart-[0-9a-f]{8}\.service$/);
  assert.deepEqual(plan.files.map((f) => f.path), [join(datastore, '.config', 'hivedesk-autostart.conf'), unit]);
  assert.equal(plan.files[0]?.content, 'vm_list="web1 db1"\nvm_delay="3"\n');
  assert.deepEqual(plan.commands.map((c) => c.argv.join(' ')), ['systemctl --user daemon-reload', `systemctl --user enable ${autostart.unitName}`]);

  await autostart.write({ list: ['web1', 'db1'], delay: 3 });
  const text = await readFile(unit, 'utf8');
  assert.match(text, /^WantedBy=default\.target$/m);
  assert.match(text, /^Type=oneshot$/m);
  const exec = /^ExecStart=(.*)$/m.exec(text)?.[1] ?? '';
  assert.match(exec, new RegExp(` startall --datastore ${datastore}$`));
  assert.deepEqual(await autostart.read().then((a) => [a.list, a.delay]), [['web1', 'db1'], 3]);
  assert.deepEqual((await readFile(calls, 'utf8')).trim().split('\n').filter((c) => !c.endsWith('show-environment')), ['--user daemon-reload', `--user enable ${autostart.unitName}`]);

  // What the unit runs, run as systemd would run it (no quoting needed for these paths): it reads the same list.
  const [program, ...args] = exec.split(' ');
  const run = await promisify(execFile)(program ?? '', args, { cwd: root, env: { ...env, ELECTRON_RUN_AS_NODE: '1' } }).catch((err: { code: number; stdout: string }) => err);
  assert.equal('code' in run ? run.code : 0, 1, 'a guest that did not start fails the unit');
  assert.equal(run.stdout, 'web1: not started: There is no VM named web1.\ndb1: not started: There is no VM named db1.\n');

  await autostart.write({ list: [], delay: 3 });
  assert.equal(await exists(unit), false, 'nothing to start: the unit is disabled and removed');
  assert.ok((await readFile(calls, 'utf8')).includes(`--user disable ${autostart.unitName}`));
});

test('without a user systemd it says so, and writes nothing', { timeout: 30_000 }, async () => {
  const datastore = join(root, 'elsewhere');
  await mkdir(datastore);
  await writeFile(join(root, 'no-user-manager'), '');
  const autostart = new SystemdAutostart(runner(), datastore, env);
  const seen = await autostart.read();
  assert.equal(seen.available, false);
  assert.match(seen.reason ?? '', /no systemd user manager for this session \(systemctl --user: Failed to connect to bus: No medium found\), so Hivedesk cannot start guests at boot here/);
  await assert.rejects(autostart.write({ list: ['web1'], delay: 2 }), { code: 'unavailable' });
  assert.equal(await exists(join(datastore, '.config', 'hivedesk-autostart.conf')), false);
  const missing = new SystemdAutostart(runner(), datastore, { ...env, PATH: join(root, 'empty') });
  assert.match((await missing.read()).reason ?? '', /^systemctl is not installed/);
});

/** A runner that counts the `show-environment` probes; `killFirst` answers the first as a timed-out run does. */
class CountingRunner extends HostRunner {
  probes = 0;

  constructor(private readonly killFirst = false) {
    super(new CommandLog());
  }

  override run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    if (argv.at(-1) !== 'show-environment') return super.run(argv, options);
    this.probes++;
    if (this.killFirst && this.probes === 1) return Promise.resolve({ argv, exitCode: null, signal: 'SIGKILL', stdout: '', stderr: '' });
    return super.run(argv, options);
  }
}

test('whether there is a user systemd is asked once, however many VM pages read the setting', { timeout: 30_000 }, async () => {
  const datastore = join(root, 'many-pages');
  await mkdir(datastore);
  await writeFile(join(root, 'no-user-manager'), '');
  const counting = new CountingRunner();
  const autostart = new SystemdAutostart(counting, datastore, env);
  const pages = await Promise.all(Array.from({ length: 16 }, () => autostart.read()));
  await autostart.read();
  await assert.rejects(autostart.write({ list: ['web1'], delay: 2 }), { code: 'unavailable' });
  assert.equal(counting.probes, 1, 'one show-environment for 16 pages at once, one more read and a write');
  assert.equal(new Set(pages.map((page) => page.reason)).size, 1, 'every page got the same answer');
});

test('a systemctl that never answered is asked again, and then no more', { timeout: 30_000 }, async () => {
  const datastore = join(root, 'no-answer');
  await mkdir(datastore);
  await rm(join(root, 'no-user-manager'), { force: true });
  const counting = new CountingRunner(true);
  const autostart = new SystemdAutostart(counting, datastore, env);
  const first = await autostart.read();
  assert.equal(first.available, false);
  assert.match(first.reason ?? '', /^systemctl --user did not answer \(SIGKILL\)/);
  assert.equal((await autostart.read()).available, true, 'asked again: the stand-in answers this time');
  await autostart.read();
  assert.equal(counting.probes, 2);
});
