import { readdir, readFile } from 'node:fs/promises';
import type { PlannedCommand } from '../../../shared/api/vms.js';
import { AppError, configError } from '../../errors.js';
import { exists } from '../../datastore/datastore.js';
import { addIdentity, draftIdentity, identityFile, type IdentityDraft, macOwners, storeIdentity } from '../../datastore/first-start.js';
import type { GuestConfig } from '../../datastore/guest-config.js';
import { keysNotApplied } from '../../datastore/key-catalog.js';
import { readPid, waitForExit } from '../../host/process.js';
import type { Backend, GuestStatus, Plan, StatusReader } from '../backend.js';
import { DatastoreBackend } from '../datastore-backend.js';
import { duplicateMacs, installMediaWarnings } from '../preflight.js';
import { type AccelChoice, chooseAccelerator } from './accel.js';
import { buildQemuArgv, diskFile, type QemuPaths } from './argv.js';
import { fileBytes } from '../../host/file-size.js';
import { serializeConf } from '../../datastore/conf.js';
import { recordBootedConf } from '../../datastore/conf-history.js';
import { qmpExecute } from './qmp.js';
import { startSerialLogs } from '../../datastore/serial-logs.js';

const POWER_OFF_WAIT_MS = 5000;
const PIDFILE = 'qemu.pid';
const QMP_SOCKET = 'qmp.sock';
const VNC_SOCKET = 'vnc.sock';
const LOG = 'qemu.log';

/** Linux hosts: one daemonized qemu-system-x86_64 per guest, found again through its pidfile. */
export class QemuBackend extends DatastoreBackend implements Backend {
  readonly id = 'qemu' as const;
  readonly runtimeFiles = [PIDFILE, QMP_SOCKET, VNC_SOCKET, LOG, 'console'];
  readonly serialLogWriter = 'hypervisor' as const;

  hasScreen(guest: GuestConfig): boolean {
    return guest.graphics !== undefined;
  }
  private accelChoice?: Promise<AccelChoice>;

  async accelerator(): Promise<string> {
    return (await this.accel()).reason;
  }

  /** Disks are sparse raw files; custom disks are storage that exists already. */
  planCreateDisk(guest: GuestConfig, index: number, size: string): PlannedCommand[] {
    const disk = guest.disks[index];
    if (disk?.dev === 'custom') return [];
    return [{ argv: ['truncate', '-s', size, this.diskPath(guest, index)], why: `create ${disk?.name ?? `disk${index}`} as a sparse raw disk` }];
  }

  planGrowDisk(guest: GuestConfig, index: number, size: string): PlannedCommand[] {
    const disk = guest.disks[index];
    if (disk?.dev !== 'file') throw new AppError('invalid_input', `disk${index} is not a file in ${guest.name}'s directory: grow it where it lives.`);
    return [{ argv: ['truncate', '-s', size, this.diskPath(guest, index)], why: `grow ${disk.name} to ${size}` }];
  }

  diskPath(guest: GuestConfig, index: number): string {
    const disk = guest.disks[index];
    if (!disk) throw new RangeError(`${guest.name} has no disk${index}`);
    return configError(() => diskFile(disk, index, this.store.guestDir(guest.name)));
  }

  diskBytes(guest: GuestConfig, index: number): Promise<number | undefined> {
    return fileBytes(this.diskPath(guest, index));
  }

  async planStart(guest: GuestConfig): Promise<Plan> {
    return (await this.prepareStart(guest)).plan;
  }

  /** The plan for the guest with the uuid and MACs its first start adds, drawn against every MAC of the datastore. */
  private async prepareStart(guest: GuestConfig): Promise<{ plan: Plan; identity: IdentityDraft }> {
    const [{ accel }, owners, media, disks] = await Promise.all([
      this.accel(),
      macOwners(this.store),
      installMediaWarnings(guest.installMedia),
      this.missingDisks(guest),
    ]);
    const identity = draftIdentity(guest, owners);
    const plan = {
      commands: [{ argv: configError(() => buildQemuArgv(identity.guest, this.paths(guest.name), accel)), why: `boot ${guest.name} under ${accel.toUpperCase()}` }],
      warnings: [...media, ...disks, ...duplicateMacs(identity.guest, owners)],
      notes: [
        ...(guest.networks.length ? ['Networking is QEMU user mode (NAT): the guest can reach out; nothing outside reaches the guest.'] : []),
        ...keysNotApplied(guest.keys, 'qemu'),
      ],
      files: identityFile(this.store.confPath(guest.name), identity.values),
    };
    return { plan, identity };
  }

  /** Disk files that are not there; a guest still being created (no .conf yet) gets its disks from Create. */
  private async missingDisks(guest: GuestConfig): Promise<string[]> {
    if (!(await exists(this.store.confPath(guest.name)))) return [];
    const paths = guest.disks.map((disk) => `${this.store.guestDir(guest.name)}/${disk.name}`);
    const found = await Promise.all(paths.map(exists));
    return paths.flatMap((path, i) => (found[i] ? [] : [`disk${i} ${path} does not exist: create it, or point disk${i}_name at the disk in Settings → Disks.`]));
  }

  /** Stores the uuid and MACs first, as the bhyve backend does (see BhyveBackend.start), so QEMU gets what the .conf says. */
  async start(guest: GuestConfig): Promise<void> {
    if ((await this.status(guest)).state === 'running') throw new AppError('conflict', `${guest.name} is already running.`);
    // The text the guest boots with (read before planning, whatever a save writes meanwhile), with what the start adds.
    const booted = await this.store.read(guest.name);
    const { plan, identity } = await this.prepareStart(guest);
    if (plan.warnings.length) throw new AppError('invalid_input', plan.warnings.join(' '));
    await storeIdentity(this.store, guest.name, identity.values);
    const paths = this.paths(guest.name);
    await this.store.removeRuntime(guest.name, QMP_SOCKET);
    await startSerialLogs(this.store.guestDir(guest.name), guest.comports);
    for (const command of plan.commands) await this.runner.check(command.argv);
    if (booted) await recordBootedConf(this.store.guestDir(guest.name), serializeConf(addIdentity(booted, identity.values)));
    // vm-bhyve's console file names the screen too, so the display tab finds it as it finds a bhyve guest's.
    const screen: Record<string, string> = guest.graphics ? { vnc: `unix:${paths.vncSocket}` } : {};
    await this.store.writeConsoles(guest.name, { ...(await this.serialPtys(paths.qmpSocket)), ...screen });
  }

  async stop(guest: GuestConfig): Promise<void> {
    await this.requireRunning(guest);
    await qmpExecute(this.paths(guest.name).qmpSocket, 'system_powerdown');
  }

  async powerOff(guest: GuestConfig): Promise<void> {
    const pid = await this.requireRunning(guest);
    await qmpExecute(this.paths(guest.name).qmpSocket, 'quit').catch(() => undefined);
    if (!(await waitForExit(pid, POWER_OFF_WAIT_MS))) killIfAlive(pid);
    await this.cleanup(guest.name);
  }

  /** Reads only: a poll racing a start must not remove the QMP socket the start is about to use. */
  async status(guest: GuestConfig): Promise<GuestStatus> {
    return { state: (await this.runningPid(guest.name)) === undefined ? 'stopped' : 'running' };
  }

  /** Nothing is shared between QEMU guests: a stopped guest costs one listing of its directory. */
  statusReader(): StatusReader {
    return (guest) => this.status(guest);
  }

  hypervisorPid(guest: GuestConfig): Promise<number | undefined> {
    return this.runningPid(guest.name);
  }

  private paths(name: string): QemuPaths {
    return {
      dir: this.store.guestDir(name),
      qmpSocket: this.store.runtimePath(name, QMP_SOCKET),
      vncSocket: this.store.runtimePath(name, VNC_SOCKET),
      pidFile: this.store.runtimePath(name, PIDFILE),
      logFile: this.store.runtimePath(name, LOG),
    };
  }

  private accel(): Promise<AccelChoice> {
    this.accelChoice ??= chooseAccelerator(this.runner);
    return this.accelChoice;
  }

  private async requireRunning(guest: GuestConfig): Promise<number> {
    const pid = await this.runningPid(guest.name);
    if (pid === undefined) throw new AppError('conflict', `${guest.name} is not running.`);
    return pid;
  }

  /**
   * The pidfile's process, only if it is still this guest's qemu (pids are reused). A listing of
   * the guest's directory first: a stopped guest has no pidfile, and a failed open costs more.
   */
  private async runningPid(name: string): Promise<number | undefined> {
    const files = await readdir(this.store.guestDir(name)).catch(() => [] as string[]);
    if (!files.includes(PIDFILE)) return undefined;
    const pid = await readPid(this.store.runtimePath(name, PIDFILE));
    if (pid === undefined) return undefined;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    const nameAt = args.indexOf('-name');
    return args[0]?.includes('qemu') && args[nameAt + 1] === name ? pid : undefined;
  }

  /** Asks QEMU where it put each serial port's pty, since it picks the number itself. */
  private async serialPtys(qmpSocket: string): Promise<Record<string, string>> {
    const chardevs = (await qmpExecute(qmpSocket, 'query-chardev')) as { label: string; filename: string }[];
    const ptys: Record<string, string> = {};
    for (const { label, filename } of chardevs) {
      if (/^com\d$/.test(label) && filename.startsWith('pty:')) {
        ptys[label] = filename.slice(4);
      }
    }
    return ptys;
  }

  private async cleanup(name: string): Promise<void> {
    await this.store.removeRuntime(name, 'console');
    await this.store.removeRuntime(name, QMP_SOCKET);
    await this.store.removeRuntime(name, VNC_SOCKET);
  }
}

/** QEMU may exit on its own between the wait and the kill; that is the outcome we wanted. */
function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
