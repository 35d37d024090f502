import { readdir, rm, rmdir } from 'node:fs/promises';
import type { ConsolePort } from '../../../shared/api/consoles.js';
import type { PlannedCommand } from '../../../shared/api/vms.js';
import { type DisplayTarget, displayTarget } from '../../consoles/display-target.js';
import type { ConsoleEndpoint } from '../../consoles/endpoint.js';
import { type Datastore, exists } from '../../datastore/datastore.js';
import type { GuestConfig } from '../../datastore/guest-config.js';
import { AppError, configError } from '../../errors.js';
import { fileBytes } from '../../host/file-size.js';
import type { HostRunner } from '../../host/run.js';
import type { Backend, DeleteResult, GuestStatus, Plan, StatusReader } from '../backend.js';
import { defaultVrdeExtPack } from './machine-readable.js';
import type { VboxMachine } from './machine.js';
import { VboxRegistry } from './vbox-registry.js';
import {
  controlvmArgv,
  createmediumArgv,
  createvmArgv,
  listArgv,
  machineFolder,
  modifyvmArgv,
  startvmArgv,
  storageattachArgv,
  storagectlArgv,
  uartSocket,
  unregistervmArgv,
} from './vboxmanage.js';
import { startSerialLogs } from '../../datastore/serial-logs.js';

/** A unix socket's path must fit sockaddr_un: 104 bytes on FreeBSD (108 on Linux), its terminating NUL included. */
const SOCKET_PATH_MAX = 103;

/**
 * VirtualBox (handbook 24.5): VirtualBox keeps its machines itself, so they are listed from `VBoxManage list vms`, not
 * from the datastore. A new machine's folder goes in the datastore (`createvm --basefolder`). Commands run as the
 * user, who must be in vboxusers (Host setup checks it).
 */
export class VirtualBoxBackend implements Backend {
  readonly id = 'virtualbox' as const;
  readonly runtimeFiles = ['com1.sock', 'Logs'];
  /** VirtualBox's uart is either a socket or a file, not both; the console tab writes what it sees. */
  readonly serialLogWriter = 'console' as const;

  hasScreen(guest: GuestConfig): boolean {
    return guest.graphics !== undefined;
  }
  readonly registry: VboxRegistry;

  constructor(
    private readonly runner: HostRunner,
    private readonly store: Datastore,
  ) {
    this.registry = new VboxRegistry(runner);
  }

  async accelerator(): Promise<string> {
    return 'VirtualBox (vboxdrv)';
  }

  /** createvm --register, modifyvm, the disk, the controller and what is attached to it, in that order. */
  planCreate(guest: GuestConfig, diskSizes: string[]): PlannedCommand[] {
    const base = this.store.root;
    const folder = machineFolder(base, guest.name);
    const disks = guest.disks.map((disk) => `${folder}/${disk.name}`);
    return configError(() => [
      { argv: createvmArgv(guest, base), why: `make ${guest.name} and register it with VirtualBox, in ${folder}` },
      { argv: modifyvmArgv(guest, base), why: 'memory, CPUs, a NAT network card with its MAC, com1 as a socket, disk before DVD, VRDE on loopback' },
      ...disks.map((path, i) => ({ argv: createmediumArgv(path, diskSizes[i] ?? '1G'), why: `create disk${i}` })),
      { argv: storagectlArgv(guest.name), why: 'a SATA controller for the disks and the DVD drive' },
      ...disks.map((path, i) => ({ argv: storageattachArgv(guest.name, i, 'hdd', path), why: `attach disk${i}` })),
      ...(guest.installMedia ? [{ argv: storageattachArgv(guest.name, disks.length, 'dvddrive', guest.installMedia), why: 'the install media in the DVD drive' }] : []),
    ]);
  }

  /** A machine half made is unregistered again, with its files. */
  async create(guest: GuestConfig, diskSizes: string[]): Promise<void> {
    const [register, ...rest] = this.planCreate(guest, diskSizes);
    try {
      if (register) await this.runner.check(register.argv);
      try {
        await this.runCommands(rest);
      } catch (err) {
        await this.runner.run(unregistervmArgv(guest.name, true));
        throw err;
      }
    } finally {
      this.registry.invalidate();
    }
  }

  /**
   * `unregistervm --delete` takes the disks, the settings and the logs; keeping the disks, the machine is unregistered
   * and what VirtualBox leaves of it in its folder (settings, logs, the com1 socket) goes, the disks stay.
   */
  async delete(guest: GuestConfig, deleteDisks: boolean): Promise<DeleteResult> {
    await this.requireMachine(guest.name);
    const folder = machineFolder(this.store.root, guest.name);
    const disks = guest.disks.map((disk) => disk.name);
    const before = await listing(folder);
    try {
      await this.runner.check(unregistervmArgv(guest.name, deleteDisks));
    } finally {
      this.registry.invalidate();
    }
    const leftover = before.filter((path) => deleteDisks || !disks.includes(path));
    await Promise.all(leftover.map((path) => rm(path, { recursive: true, force: true })));
    await rmdir(folder).catch(() => undefined); // only once empty: kept disks stay in it
    return { removed: [...new Set([...leftover, ...(deleteDisks ? disks : [])])], kept: deleteDisks ? [] : disks };
  }

  planCreateDisk(): PlannedCommand[] {
    throw new AppError('unavailable', 'VirtualBox keeps a machine’s disks: add one in VirtualBox (VBoxManage createmedium, storageattach).');
  }

  planGrowDisk(): PlannedCommand[] {
    throw new AppError('unavailable', 'VirtualBox keeps a machine’s disks: grow one with VBoxManage modifymedium --resize.');
  }

  /** A disk of a VirtualBox machine is the medium its controller names, by path. */
  diskPath(guest: GuestConfig, index: number): string {
    const disk = guest.disks[index];
    if (!disk) throw new RangeError(`${guest.name} has no disk${index}`);
    return disk.name;
  }

  diskBytes(guest: GuestConfig, index: number): Promise<number | undefined> {
    return fileBytes(this.diskPath(guest, index));
  }

  async runCommands(commands: PlannedCommand[]): Promise<void> {
    for (const command of commands) await this.runner.check(command.argv);
  }

  async planStart(guest: GuestConfig): Promise<Plan> {
    const socket = uartSocket(this.store.root, guest.name);
    const media = [...guest.disks.map((disk) => disk.name), ...(guest.installMedia ? [guest.installMedia] : [])];
    // Only a registered machine's media must exist (a planned one's disks are made by create). A plan runs anywhere:
    // where VirtualBox's list cannot be read, `start` fails on it before running anything.
    const registered = await this.registry.find(guest.name).catch(() => undefined);
    const missing = registered ? (await Promise.all(media.map(async (path) => ((await exists(path)) ? [] : [`${path} does not exist: VirtualBox cannot start ${guest.name} without it.`])))).flat() : [];
    return {
      commands: [{ argv: startvmArgv(guest.name), why: `start ${guest.name} without a window (headless)` }],
      files: [],
      warnings: [...missing, ...(Buffer.byteLength(socket) > SOCKET_PATH_MAX ? [`com1's socket ${socket} is longer than a unix socket path may be: open the datastore from a shorter path.`] : [])],
      notes: ['Its screen is VirtualBox’s remote display (VRDE) on 127.0.0.1, shown here when VirtualBox’s VNC extension pack serves it; otherwise open the machine in VirtualBox.'],
    };
  }

  async start(guest: GuestConfig): Promise<void> {
    if ((await this.status(guest)).state !== 'stopped') throw new AppError('conflict', `${guest.name} is already running.`);
    const plan = await this.planStart(guest);
    if (plan.warnings.length) throw new AppError('invalid_input', plan.warnings.join(' '));
    await startSerialLogs(this.store.guestDir(guest.name), guest.comports);
    await this.runCommands(plan.commands);
  }

  /** The ACPI power button; the guest's OS shuts it down. */
  async stop(guest: GuestConfig): Promise<void> {
    await this.runner.check(controlvmArgv(guest.name, 'acpipowerbutton'));
  }

  async powerOff(guest: GuestConfig): Promise<void> {
    await this.runner.check(controlvmArgv(guest.name, 'poweroff'));
  }

  status(guest: GuestConfig): Promise<GuestStatus> {
    return this.statusReader()(guest);
  }

  /** One `list runningvms` for every VirtualBox guest of a pass. */
  statusReader(): StatusReader {
    let running: Promise<Set<string>> | undefined;
    return async (guest) => {
      if ((await (running ??= this.registry.running())).has(guest.name)) return { state: 'running' };
      const machine = await this.registry.machine(guest.name);
      return { state: 'stopped', ...(machine?.state === 'aborted' ? { lastFault: `VirtualBox says ${guest.name} aborted: see its VBox.log (VBoxManage showvminfo ${guest.name} --log 0).` } : {}) };
    };
  }

  /** VBoxHeadless runs the machine, but Hivedesk does not sample it yet. */
  async hypervisorPid(): Promise<undefined> {
    return undefined;
  }

  /** The socket VirtualBox serves the port on, when its mode is `server`. */
  async consoleEndpoint(guest: GuestConfig, port: ConsolePort): Promise<ConsoleEndpoint> {
    const mode = (await this.requireMachine(guest.name)).uarts[port];
    if (!mode) throw new AppError('not_found', `${guest.name} has no ${port} in VirtualBox.`);
    const [kind, path] = [mode.slice(0, mode.indexOf(',')), mode.slice(mode.indexOf(',') + 1)];
    if (kind !== 'server' || !path.startsWith('/')) {
      const n = port.slice(3);
      throw new AppError('unavailable', `${guest.name}'s ${port} is not a socket VirtualBox serves (uartmode${n} is "${mode}"): set it with VBoxManage modifyvm ${guest.name} --uartmode${n} server <path>.`);
    }
    return { kind: 'socket', path };
  }

  /**
   * VRDE, where it is on and VirtualBox's VNC extension pack serves it; Oracle's extension pack serves RDP, which the
   * display tab does not speak: then the machine is opened in VirtualBox.
   */
  async display(guest: GuestConfig): Promise<DisplayTarget> {
    const machine = await this.registry.fresh(guest.name);
    if (!machine?.vrde.on) throw new AppError('unavailable', `${guest.name} has no remote display (VRDE is off): open it in VirtualBox, or turn VRDE on with VBoxManage modifyvm ${guest.name} --vrde on.`);
    const properties = await this.runner.run(listArgv('systemproperties'), { timeoutMs: 15_000 });
    const pack = defaultVrdeExtPack(properties.stdout);
    if (pack !== 'VNC') throw new AppError('unavailable', `${guest.name}'s remote display speaks ${pack ? `RDP (${pack})` : 'nothing: no VRDE extension pack is installed'}, not VNC: open it in VirtualBox${pack ? `, or an RDP client at ${machine.vrde.address}:${machine.vrde.port}` : ''}.`);
    const target = displayTarget(`${machine.vrde.address}:${machine.vrde.port}`);
    if (target instanceof Error) throw new AppError('unavailable', `${guest.name}'s screen cannot be shown: ${target.message}.`);
    return target;
  }

  private async requireMachine(name: string): Promise<VboxMachine> {
    const machine = await this.registry.machine(name);
    if (!machine) throw new AppError('not_found', `VirtualBox has no machine named ${name}.`);
    return machine;
  }
}

/** The entries of a folder, as full paths (none when it is not there). */
async function listing(folder: string): Promise<string[]> {
  return (await readdir(folder).catch(() => [] as string[])).map((entry) => `${folder}/${entry}`);
}
