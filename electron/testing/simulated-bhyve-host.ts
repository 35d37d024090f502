import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendId, VmSummary } from '../../shared/api/vms.js';
import { dispatch, type Handlers } from '../app/dispatcher.js';
import { createHost, type Host } from '../app/host.js';
import { SIMULATOR_BIN } from './simulated-bhyve.js';
import { waitFor } from './support.js';
import { callChannel } from './channels.js';

/**
 * Hivedesk's host layer on a sandbox of the FreeBSD HOST SIMULATOR (e2e/freebsd-host-simulator: fake bhyve,
 * bhyvectl, xl, VBoxManage, ifconfig… that keep FreeBSD-like state; not FreeBSD), as the flow tests use it, with
 * `backend` as the host's backend. It points this process's environment at the sandbox, so one test file holds one.
 */
export class SimulatedBhyveHost {
  private constructor(
    /** The simulator's sandbox; its `dev/` is the host's /dev. */
    readonly sim: string,
    readonly datastore: string,
    readonly host: Host,
    readonly handlers: Handlers,
  ) {}

  /** `datastore`: where it goes (a fresh temp directory by default); the host removes it on close. */
  static async start(backend: BackendId = 'bhyve', datastore?: string): Promise<SimulatedBhyveHost> {
    const sim = await mkdtemp(join(tmpdir(), 'freebsd-sim-'));
    datastore ??= await mkdtemp(join(tmpdir(), 'hivedesk-bhyve-'));
    Object.assign(process.env, {
      FREEBSD_SIM_ROOT: sim,
      PATH: `${SIMULATOR_BIN}:${process.env.PATH}`,
      HIVEDESK_BHYVE_DEV_DIR: join(sim, 'dev'),
      HIVEDESK_BHYVE_FIRMWARE_DIR: join(sim, 'firmware'),
      HIVEDESK_PRIVILEGE: 'doas',
      HIVEDESK_HOSTNAME: 'hivedesk-test-host',
    });
    await mkdir(join(sim, 'firmware'), { recursive: true });
    const host = await createHost({ datastore, backend });
    return new SimulatedBhyveHost(sim, datastore, host, host.handlers(() => 'ws://unused'));
  }

  call<T = VmSummary>(channel: string, input: unknown): Promise<T> {
    return callChannel<T>(this.handlers, channel, input);
  }

  async vm(name: string): Promise<VmSummary> {
    const found = (await this.call<VmSummary[]>('listVms', {})).find((v) => v.name === name);
    assert.ok(found, `${name} is listed`);
    return found;
  }

  /**
   * What Hivedesk ran as root on the simulated host: everything it runs through the `doas`
   * prefix, prefix removed. (Read-only probes such as `ifconfig -l` run without it.)
   */
  async hostCommands(): Promise<string[][]> {
    const lines = (await readFile(join(this.sim, 'commands.jsonl'), 'utf8')).trim().split('\n');
    return lines.map((l) => (JSON.parse(l) as { argv: string[] }).argv).filter((argv) => argv[0] === 'doas').map((argv) => argv.slice(1));
  }

  /** One failed flow must not leave a guest running into the next test. */
  async powerOffAll(): Promise<void> {
    for (const guest of await this.call<VmSummary[]>('listVms', {})) {
      if (guest.state === 'stopped') continue;
      await dispatch(this.handlers, 'powerOffVm', { name: guest.name });
      await waitFor(async () => (await this.vm(guest.name)).state === 'stopped', `${guest.name} to stop after the test`);
    }
  }

  async close(): Promise<void> {
    this.host.dispose();
    execFileSync(join(SIMULATOR_BIN, 'freebsd-sim-teardown'), { env: process.env });
    await rm(this.datastore, { recursive: true, force: true });
    await rm(this.sim, { recursive: true, force: true });
  }
}
