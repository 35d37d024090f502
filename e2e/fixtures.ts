import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';
import { readPid } from '../electron/host/process.js';

export interface WebApp {
  url: string;
  datastore: string;
  iso: string;
}

export interface SimulatedFreeBsd extends WebApp {
  /** FREEBSD_SIM_ROOT: the simulator's sandbox (its /dev is `${root}/dev`). */
  root: string;
}

const repo = join(import.meta.dirname, '..');
const simBin = join(repo, 'e2e/freebsd-host-simulator/bin');

/** Starts browser mode the way a user does (`npm run web` runs this after building), on a fresh datastore. */
async function startWebMode(datastore: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(repo, 'dist/node/electron/web/main.js'), '--datastore', datastore, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => /^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(l));
      if (line) resolve(line.trim());
    });
    child.on('exit', (code) => reject(new Error(`browser mode exited (${code}) before printing its URL:\n${out}`)));
  });
  return { child, url };
}

/** Guests outlive the app by design; a failed test must still not leave one running. */
async function killGuests(datastore: string): Promise<void> {
  for (const name of await readdir(datastore)) {
    for (const pidFile of ['qemu.pid', 'hivedesk-supervisor.pid']) {
      const pid = await readPid(join(datastore, name, pidFile));
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}

/**
 * Browser mode with the bhyve backend on the FreeBSD HOST SIMULATOR, `hostEnv` added to its environment. The
 * sandbox is made first, so its hostfs/ (the host's files, a fresh install's) is there before Hivedesk looks.
 */
async function useSimulator(
  use: (sim: SimulatedFreeBsd) => Promise<void>,
  hostEnv: (root: string) => NodeJS.ProcessEnv,
  firmwareDir: (root: string) => string,
  /** The datastore is vm-bhyve's ZFS one (`zroot/vm`, mounted inside the sandbox) rather than a plain directory. */
  zfs = false,
  /** The host's backend: bhyve, or the simulator's Xen Dom0 (xl) or VirtualBox (VBoxManage). */
  backend: 'bhyve' | 'xen' | 'virtualbox' = 'bhyve',
): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'freebsd-sim-'));
  const datastore = zfs ? join(root, 'vm') : await mkdtemp(join(tmpdir(), 'hivedesk-e2e-bhyve-'));
  const iso = join(root, 'FreeBSD-14.2-RELEASE-amd64-disc1.iso');
  await writeFile(iso, 'the simulator only checks that the ISO exists');
  const env = {
    ...process.env,
    FREEBSD_SIM_ROOT: root,
    PATH: `${simBin}:${process.env.PATH}`,
    HIVEDESK_BHYVE_DEV_DIR: join(root, 'dev'),
    HIVEDESK_BHYVE_FIRMWARE_DIR: firmwareDir(root),
    HIVEDESK_PRIVILEGE: 'doas',
    ...(zfs ? { HIVEDESK_ZFS_DATASET: 'zroot/vm' } : {}),
    ...hostEnv(root),
  };
  execFileSync(join(simBin, 'kldstat'), { env, stdio: 'ignore' });
  await mkdir(firmwareDir(root), { recursive: true });
  if (zfs) execFileSync(join(simBin, 'zfs'), ['create', '-o', `mountpoint=${datastore}`, 'zroot/vm'], { env });
  // The handbook's Dom0 has the bridge its DomUs join (24.7.2: cloned_interfaces="bridge0").
  if (backend === 'xen') execFileSync(join(simBin, 'ifconfig'), ['bridge0', 'create', 'up'], { env });
  const { child, url } = await startWebMode(datastore, ['--backend', backend], env);
  await use({ url, datastore, iso, root });
  child.kill('SIGTERM');
  await killGuests(datastore);
  execFileSync(join(simBin, 'freebsd-sim-teardown'), { env });
  await rm(datastore, { recursive: true, force: true });
  await rm(root, { recursive: true, force: true });
}

/** A fresh browser-mode server and datastore per test, so tests cannot see each other's VMs. */
export const test = base.extend<{ app: WebApp; freebsd: SimulatedFreeBsd; bareFreebsd: SimulatedFreeBsd; xenDom0: SimulatedFreeBsd; virtualboxHost: SimulatedFreeBsd; webArgs: string[]; freebsdZfs: boolean }>({
  /** Extra `npm run web` options for a test (`test.use({ webArgs: [...] })`). */
  webArgs: [[], { option: true }],
  /** The simulated host's datastore is vm-bhyve's ZFS one (`zroot/vm`, mounted inside the sandbox) rather than a plain directory. */
  freebsdZfs: [false, { option: true }],
  app: async ({ webArgs }, use) => {
    const iso = process.env.HIVEDESK_TEST_ISO;
    if (!iso) throw new Error('HIVEDESK_TEST_ISO is not set: run the tests with `npm test`, which builds the guest ISO.');
    const datastore = await mkdtemp(join(tmpdir(), 'hivedesk-e2e-'));
    // A datastore opened in a test is remembered here, never in the user's own settings.
    const configHome = await mkdtemp(join(tmpdir(), 'hivedesk-e2e-config-'));
    const { child, url } = await startWebMode(datastore, webArgs, { ...process.env, XDG_CONFIG_HOME: configHome });
    await use({ url, datastore, iso });
    child.kill('SIGTERM');
    await killGuests(datastore);
    await rm(datastore, { recursive: true, force: true });
    await rm(configHome, { recursive: true, force: true });
  },
  /** Browser mode with the bhyve backend on the FreeBSD HOST SIMULATOR (not FreeBSD: fake tools in a sandbox). */
  freebsd: async ({ freebsdZfs }, use) => useSimulator(use, () => ({}), (root) => join(root, 'firmware'), freebsdZfs),
  /**
   * A bare simulated FreeBSD host, as after a fresh install: no vmm, no bridge, no firmware. Hivedesk reads its
   * files under the simulator's hostfs/ (where pkg, sysrc and install write) and checks them for hiveuser.
   */
  bareFreebsd: async ({}, use) =>
    useSimulator(use, (root) => ({ HIVEDESK_HOST_ROOT: join(root, 'hostfs'), HIVEDESK_USER: 'hiveuser' }), (root) => join(root, 'hostfs/usr/local/share/uefi-firmware')),
  /** A Xen Dom0 on the FreeBSD HOST SIMULATOR (its fake xl): browser mode with the Xen backend. */
  xenDom0: async ({}, use) => useSimulator(use, () => ({}), (root) => join(root, 'firmware'), false, 'xen'),
  /** VirtualBox on the FreeBSD HOST SIMULATOR (its fake VBoxManage): browser mode with the VirtualBox backend. */
  virtualboxHost: async ({}, use) => useSimulator(use, () => ({}), (root) => join(root, 'firmware'), false, 'virtualbox'),
});

export { expect } from '@playwright/test';

export const shots = (name: string) => join(import.meta.dirname, 'output', 'screenshots', `${name}.png`);
