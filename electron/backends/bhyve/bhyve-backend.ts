import { readFile } from 'node:fs/promises';
import type { PlannedCommand } from '../../../shared/api/vms.js';
import { AppError, configError } from '../../errors.js';
import type { Datastore } from '../../datastore/datastore.js';
import { draftIdentity, identityFile, type IdentityDraft, storeIdentity } from '../../datastore/first-start.js';
import type { GuestConfig } from '../../datastore/guest-config.js';
import { CommandFileImporter, parseJson } from '../../host/command-file.js';
import type { HostRunner } from '../../host/run.js';
import type { Backend, GuestStatus, Plan, StatusReader } from '../backend.js';
import { DatastoreBackend } from '../datastore-backend.js';
import { guestDatasets } from '../guest-dataset.js';
import { diskCreateArgv, diskGrowArgv, diskPath } from '../disks.js';
import { bhyvectlArgv } from './commands.js';
import { fileBytes } from '../../host/file-size.js';
import { planBoot, planCommands, planFiles } from './plan.js';
import { probeHost } from './probe.js';
import { isRunning, readPid, readProcessTable, readProcessTitles, type TitledProcess, titledPid } from '../../host/process.js';
import { ownScriptArgv } from '../../host/own-script.js';
import { waitUntil } from '../../host/wait.js';
import { HostView, type ReadProcessTitles } from './host-view.js';
import { bhyveTitle, LastExit, presentRuntimeFiles, readText, RUNTIME_FILE_NAMES, runtimeFiles, supervisorTitle } from './runtime.js';
import { type BhyveSettings, privileged } from './settings.js';
import { isUefi } from '../../../shared/api/settings.js';

const START_WAIT_MS = 10_000;
/** A process table read for one guest's bhyve answers the others asking within this time. */
const TABLE_FRESH_MS = 1_000;
/** The supervisor still destroys the instance and removes its taps after bhyve exits. */
const POWER_OFF_WAIT_MS = 15_000;

/** FreeBSD hosts: each guest runs under a detached supervisor that loops loader + bhyve as vm-bhyve does. */
export class BhyveBackend extends DatastoreBackend implements Backend {
  readonly id = 'bhyve' as const;
  readonly runtimeFiles = RUNTIME_FILE_NAMES;
  /** bhyve's serial ports are bare nmdm devices: only the reader of the line can keep what it said. */
  readonly serialLogWriter = 'console' as const;

  /** bhyve gives a framebuffer to UEFI guests only. */
  hasScreen(guest: GuestConfig): boolean {
    return guest.graphics !== undefined && isUefi(guest.loader);
  }
  /** Shows the supervisors' commands in this process's command log. */
  private readonly commands: CommandFileImporter;
  private table?: { at: number; rows: Promise<string | readonly TitledProcess[]> };

  constructor(
    runner: HostRunner,
    store: Datastore,
    private readonly settings: BhyveSettings,
    private readonly readTitles: ReadProcessTitles = readProcessTitles,
    private readonly readTable: () => Promise<TitledProcess[]> = readProcessTable,
  ) {
    super(runner, store, guestDatasets(runner, store.root, settings));
    this.commands = new CommandFileImporter(runner.log);
  }

  async accelerator(): Promise<string> {
    return 'bhyve (vmm)';
  }

  planCreateDisk(guest: GuestConfig, index: number, size: string): PlannedCommand[] {
    return configError(() => diskCreateArgv(guest, index, size, this.context(guest))).map((argv) => ({
      argv: privileged(this.settings, argv),
      why: `create ${guest.disks[index]?.name ?? `disk${index}`}`,
    }));
  }

  planGrowDisk(guest: GuestConfig, index: number, size: string): PlannedCommand[] {
    const argv = configError(() => diskGrowArgv(guest, index, size, this.context(guest)));
    return [{ argv: privileged(this.settings, argv), why: `grow ${guest.disks[index]?.name ?? `disk${index}`} to ${size}` }];
  }

  diskPath(guest: GuestConfig, index: number): string {
    return diskPath(guest, index, this.context(guest), this.settings.paths.devDir);
  }

  /** A file's length, or a zvol's volsize as zfs reports it (the zvol device's own size is not portable). */
  async diskBytes(guest: GuestConfig, index: number): Promise<number | undefined> {
    const disk = guest.disks[index];
    if (disk?.dev === 'zvol' || disk?.dev === 'sparse-zvol') {
      const ctx = this.context(guest);
      if (!ctx.zvolDataset) return undefined;
      const got = await this.runner.run(['zfs', 'get', '-Hp', '-o', 'value', 'volsize', `${ctx.zvolDataset}/${disk.name}`], { timeoutMs: 5000 });
      const bytes = Number(got.stdout.trim());
      return got.exitCode === 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
    }
    return fileBytes(this.diskPath(guest, index));
  }

  async planStart(guest: GuestConfig): Promise<Plan> {
    return (await this.prepareStart(guest)).plan;
  }

  /** The plan for the guest with the uuid and MACs its first start adds, drawn against every MAC of the datastore. */
  private async prepareStart(guest: GuestConfig): Promise<{ plan: Plan; identity: IdentityDraft }> {
    const dir = this.store.guestDir(guest.name);
    const facts = await probeHost(this.runner, this.settings, guest, dir, this.store.root);
    const identity = draftIdentity(guest, facts.macs);
    const boot = configError(() => planBoot({ guest: identity.guest, guestDir: dir, datastoreDir: this.store.root, settings: this.settings, facts }));
    const plan = {
      commands: [this.supervisorCommand(guest.name), ...planCommands(boot)],
      warnings: boot.warnings,
      notes: boot.notes,
      files: [...identityFile(this.store.confPath(guest.name), identity.values), ...planFiles(boot)],
    };
    return { plan, identity };
  }

  /**
   * The uuid and MACs are stored here, before the supervisor starts, rather than by the supervisor as vm-bhyve's
   * `vm _run` does: the supervisor reads the .conf when it starts, so it boots with them all the same, and the
   * pre-flight just made, the plan and the guest all see the same values (QEMU's start does the same).
   */
  async start(guest: GuestConfig): Promise<void> {
    const status = await this.status(guest);
    if (status.state !== 'stopped') throw new AppError('conflict', `${guest.name} is ${status.state === 'locked' ? `locked by ${status.lockedBy}` : 'already running'}.`);
    const { plan, identity } = await this.prepareStart(guest);
    if (plan.warnings.length) throw new AppError('invalid_input', plan.warnings.join(' '));
    await storeIdentity(this.store, guest.name, identity.values);
    const files = runtimeFiles(this.store.guestDir(guest.name));
    // ELECTRON_RUN_AS_NODE: in the desktop app process.execPath is Electron, which must act as plain Node here.
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    const supervisor = this.runner.start(this.supervisorCommand(guest.name).argv, { timeoutMs: 0, logFile: files.log, detached: true, env });
    await this.waitForBoot(guest.name, supervisor.result);
  }

  /** The supervisor sends bhyve SIGTERM (the ACPI power button), as vm-bhyve's stop does, and does not boot it again. */
  async stop(guest: GuestConfig): Promise<void> {
    const pid = await this.supervisorPid(guest.name);
    if (pid === undefined) throw new AppError('conflict', `${guest.name} is not running under Hivedesk.`);
    process.kill(pid, 'SIGTERM');
  }

  async powerOff(guest: GuestConfig): Promise<void> {
    const pid = await this.supervisorPid(guest.name);
    if (pid === undefined) return this.powerOffUnsupervised(guest);
    process.kill(pid, 'SIGUSR2');
    const gone = async () => (await this.supervisorPid(guest.name)) !== pid;
    await waitUntil(gone, POWER_OFF_WAIT_MS);
    if (!(await gone())) throw new AppError('host_command_failed', `${guest.name} did not power off within ${POWER_OFF_WAIT_MS / 1000} s; see vm-bhyve.log and the command log.`);
  }

  /** A guest that vm-bhyve or a script started: vm-bhyve's poweroff, from here. */
  private async powerOffUnsupervised(guest: GuestConfig): Promise<void> {
    if ((await this.status(guest)).state !== 'running') throw new AppError('conflict', `${guest.name} is not running.`);
    await this.runner.check(privileged(this.settings, bhyvectlArgv('force-poweroff', guest.name)));
    await this.runner.check(privileged(this.settings, bhyvectlArgv('destroy', guest.name)));
  }

  /** The guest's live supervisor, if any: pidfile, process and title must all agree. */
  private async supervisorPid(name: string, pidfile = runtimeFiles(this.store.guestDir(name)).supervisorPid): Promise<number | undefined> {
    const pid = await readPid(pidfile);
    return isRunning(pid, supervisorTitle(name)) ? pid : undefined;
  }

  status(guest: GuestConfig): Promise<GuestStatus> {
    return this.statusReader()(guest);
  }

  statusReader(): StatusReader {
    const host = new HostView(this.settings.vmmDir, this.readTitles);
    return (guest) => this.statusWith(guest, host);
  }

  /**
   * vm-bhyve's rules: run.lock from another host means locked; a live supervisor or a VM
   * instance means running. Only the runtime files the guest has are read.
   */
  private async statusWith(guest: GuestConfig, host: HostView): Promise<GuestStatus> {
    const files = await presentRuntimeFiles(this.store.guestDir(guest.name));
    if (files.commands) await this.commands.import(files.commands);
    const [lock, state, supervisorPid] = await Promise.all([
      files.lock ? readText(files.lock) : undefined,
      files.state ? readText(files.state) : undefined,
      files.supervisorPid ? this.supervisorPid(guest.name, files.supervisorPid) : undefined,
    ]);
    const lockedBy = lock?.trim();
    if (lockedBy && lockedBy !== this.settings.hostname) return { state: 'locked', lockedBy };
    // Until the supervisor says bhyve runs, the guest is still being set up and loaded.
    if (supervisorPid !== undefined) return { state: state?.trim() === 'running' ? 'running' : 'bootloader' };
    // Started by something else (vm-bhyve, a script): the VM instance or bhyve's process title tells.
    if ((await host.instances).has(guest.name) || (await host.processTitles()).has(`bhyve: ${guest.name}`)) return { state: 'running' };
    const last = files.lastExit ? await lastExit(files.lastExit) : undefined;
    return { state: 'stopped', ...(last?.fault ? { lastFault: last.fault } : {}) };
  }

  /**
   * bhyve's own process, found by its title as vm-bhyve finds it (a guest vm-bhyve started has no
   * pidfile). Asked only when a guest's process is new or gone, not at every sample.
   */
  async hypervisorPid(guest: GuestConfig): Promise<number | undefined> {
    return titledPid(await this.processTable(), bhyveTitle(guest.name));
  }

  /**
   * /proc where it is mounted, else one `ps` (its runs are one command-log record); read once for
   * the guests that ask together (several started at once).
   */
  private processTable(): Promise<string | readonly TitledProcess[]> {
    if (this.table && Date.now() - this.table.at < TABLE_FRESH_MS) return this.table.rows;
    const rows = this.readTable().then(async (table) => {
      if (table.length) return table;
      const ps = await this.runner.run(['ps', '-A', '-ww', '-o', 'pid=,ppid=,args='], { timeoutMs: 5000, logKey: 'activity: finding bhyve processes (ps)' });
      return ps.stdout;
    });
    this.table = { at: Date.now(), rows };
    return rows;
  }

  /** The supervisor as a host command: this Node (or Electron as Node) running supervisor-main. */
  private supervisorCommand(name: string): PlannedCommand {
    const argv = [...ownScriptArgv(import.meta.url, './supervisor-main'), this.store.root, name];
    return { argv, why: `supervise ${name}: loader and bhyve for each boot, as vm-bhyve does`, supervisor: true };
  }

  private context(guest: GuestConfig) {
    const zvol = this.settings.zfsDataset ? { zvolDataset: `${this.settings.zfsDataset}/${guest.name}` } : {};
    return { guestDir: this.store.guestDir(guest.name), installing: false, taps: [], acpiFlag: true, ...zvol };
  }

  /**
   * Returns once bhyve runs the guest, or reports why the supervisor stopped first (a bhyve that
   * refused its options, with its messages). A guest still in its loader or bhyve still setting up
   * when the time is up is left starting: a loader may be waiting for the user on the console, and
   * bhyve for a VNC client (fbuf `wait`).
   */
  private async waitForBoot(name: string, exited: Promise<unknown>): Promise<void> {
    const files = runtimeFiles(this.store.guestDir(name));
    let done = false;
    void exited.then(() => (done = true));
    await waitUntil(async () => done || (await readText(files.state))?.trim() === 'running', START_WAIT_MS);
    if (!done) return;
    const last = await lastExit(files.lastExit);
    if (last?.fault) throw new AppError('host_command_failed', last.fault);
  }
}

/** What the supervisor left about the last run; a damaged file reads as nothing known. */
async function lastExit(path: string): Promise<LastExit | undefined> {
  const parsed = LastExit.safeParse(parseJson((await readFile(path, 'utf8').catch(() => undefined)) ?? ''));
  return parsed.success ? parsed.data : undefined;
}
