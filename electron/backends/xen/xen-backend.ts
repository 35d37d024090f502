import { readFile, rm } from 'node:fs/promises';
import { z } from 'zod';
import type { ConsolePort } from '../../../shared/api/consoles.js';
import type { PlannedCommand } from '../../../shared/api/vms.js';
import type { ConsoleEndpoint } from '../../consoles/endpoint.js';
import { getValue, removeKey, serializeConf } from '../../datastore/conf.js';
import { addIdentity, draftIdentity, identityFile, type IdentityDraft, storeIdentity } from '../../datastore/first-start.js';
import { recordBootedConf } from '../../datastore/conf-history.js';
import type { Datastore } from '../../datastore/datastore.js';
import { type GuestConfig, KEY } from '../../datastore/guest-config.js';
import { AppError, configError } from '../../errors.js';
import { writeFileAtomic } from '../../host/atomic-write.js';
import { startSerialLogs } from '../../datastore/serial-logs.js';
import { parseJson } from '../../host/command-file.js';
import { fileBytes } from '../../host/file-size.js';
import type { HostRunner } from '../../host/run.js';
import type { Backend, GuestStatus, Plan, StatusReader } from '../backend.js';
import { DatastoreBackend } from '../datastore-backend.js';
import { guestDatasets } from '../guest-dataset.js';
import { type DiskPlace, diskCreateArgv, diskGrowArgv, diskPath } from '../disks.js';
import { configPathOf, planXenStart, type XenStartPlan } from './plan.js';
import { probeXenHost } from './probe.js';
import { privileged, type XenSettings } from './settings.js';
import { withoutCdrom } from './xl-cfg.js';
import { type Domain, parseXlList, parseXlListLong, xlDomainArgv, xlListArgv } from './xl.js';

/** What a run that xl created left to do once its domain is gone (the handbook's edit after an install). */
const RUN_FILE = 'hivedesk-xen-run.json';
const Run = z.object({ installMedia: z.string().optional() });
const LIST_MS = 10_000;
/** xl console's detach key, Ctrl-] (xl(1)): no tab may send it, or it would end the console for every tab. */
const XL_CONSOLE_DETACH = 0x1d;

/**
 * Xen Dom0 (handbook 24.7): a guest is its .conf in the datastore and the xl.cfg written from it before each start;
 * `xl create` makes the domain, and xl's own daemon restarts it on a reboot. Hivedesk learns a run has ended when the
 * domain has gone from `xl list`, and then does what the handbook does by hand: removes the install media.
 */
export class XenBackend extends DatastoreBackend implements Backend {
  readonly id = 'xen' as const;
  readonly runtimeFiles = ['console', 'xl.cfg', RUN_FILE];
  /** xl keeps no log of a domain's serial line; the console tab writes what it sees. */
  readonly serialLogWriter = 'console' as const;

  /** An HVM domain always has its VGA screen (vnc = 1 in every xl.cfg Hivedesk writes). */
  hasScreen(): boolean {
    return true;
  }

  constructor(
    runner: HostRunner,
    store: Datastore,
    private readonly settings: XenSettings,
  ) {
    super(runner, store, guestDatasets(runner, store.root, settings));
  }

  async accelerator(): Promise<string> {
    return 'Xen (HVM domains)';
  }

  /** truncate, or `zfs create -V <size> -o volmode=dev` (handbook 24.7.3's `-V20G`, the same to getopt). */
  planCreateDisk(guest: GuestConfig, index: number, size: string): PlannedCommand[] {
    return configError(() => diskCreateArgv(guest, index, size, this.place(guest))).map((argv) => ({ argv: privileged(this.settings, argv), why: `create ${guest.disks[index]?.name ?? `disk${index}`}` }));
  }

  planGrowDisk(guest: GuestConfig, index: number, size: string): PlannedCommand[] {
    const argv = configError(() => diskGrowArgv(guest, index, size, this.place(guest)));
    return [{ argv: privileged(this.settings, argv), why: `grow ${guest.disks[index]?.name ?? `disk${index}`} to ${size}` }];
  }

  diskPath(guest: GuestConfig, index: number): string {
    return diskPath(guest, index, this.place(guest), this.settings.devDir);
  }

  diskBytes(guest: GuestConfig, index: number): Promise<number | undefined> {
    return fileBytes(this.diskPath(guest, index));
  }

  async planStart(guest: GuestConfig): Promise<Plan> {
    const { commands, files, warnings, notes } = (await this.prepareStart(guest)).plan;
    return { commands, files, warnings, notes };
  }

  /** The plan for the guest with the uuid and MACs its first start adds, as the other backends draw them. */
  private async prepareStart(guest: GuestConfig): Promise<{ plan: XenStartPlan; identity: IdentityDraft }> {
    const place = this.place(guest);
    const facts = await probeXenHost(this.runner, this.store, guest, place, this.settings);
    const identity = draftIdentity(guest, facts.macs);
    const plan = configError(() => planXenStart({ guest: identity.guest, place, settings: this.settings, facts }));
    return { plan: { ...plan, files: [...identityFile(this.store.confPath(guest.name), identity.values), ...plan.files] }, identity };
  }

  /** Writes xl.cfg and runs `xl create`; the domain runs once xl returns (handbook 24.7.3). */
  async start(guest: GuestConfig): Promise<void> {
    if ((await this.status(guest)).state !== 'stopped') throw new AppError('conflict', `${guest.name} is already running.`);
    const booted = await this.store.read(guest.name);
    const { plan, identity } = await this.prepareStart(guest);
    if (plan.warnings.length) throw new AppError('invalid_input', plan.warnings.join(' '));
    await storeIdentity(this.store, guest.name, identity.values);
    await writeFileAtomic(plan.configPath, plan.config);
    await this.store.writeConsoles(guest.name, { vnc: plan.vnc });
    await startSerialLogs(this.store.guestDir(guest.name), guest.comports);
    try {
      for (const command of plan.commands) await this.runner.check(command.argv);
    } catch (err) {
      await this.store.removeRuntime(guest.name, 'console');
      throw err;
    }
    if (booted) await recordBootedConf(this.store.guestDir(guest.name), serializeConf(addIdentity(booted, identity.values)));
    await writeFileAtomic(this.store.runtimePath(guest.name, RUN_FILE), JSON.stringify(guest.installMedia ? { installMedia: guest.installMedia } : {}));
  }

  /** `xl shutdown`: the guest is asked to shut down; it goes once its OS has. */
  async stop(guest: GuestConfig): Promise<void> {
    await this.requireRunning(guest);
    await this.runner.check(privileged(this.settings, xlDomainArgv('shutdown', guest.name)));
  }

  /** `xl destroy`: at once, as the handbook removes a DomU before creating it again. */
  async powerOff(guest: GuestConfig): Promise<void> {
    await this.requireRunning(guest);
    await this.runner.check(privileged(this.settings, xlDomainArgv('destroy', guest.name)));
    await this.finishRun(guest);
  }

  status(guest: GuestConfig): Promise<GuestStatus> {
    return this.statusReader()(guest);
  }

  /** One `xl list` for every Xen guest of a pass, and none when the pass has no Xen guest. */
  statusReader(): StatusReader {
    let domains: Promise<Map<string, Domain>> | undefined;
    return async (guest) => {
      if ((await (domains ??= this.listDomains())).has(guest.name)) return { state: 'running' };
      await this.finishRun(guest);
      return { state: 'stopped' };
    };
  }

  /** Xen accounts a domain's CPU itself, not to a Dom0 process: there is none to sample. */
  async hypervisorPid(): Promise<undefined> {
    return undefined;
  }

  /** `xl console <dom>` in a pty: the serial port `serial = "pty"` gives the domain. */
  override async consoleEndpoint(guest: GuestConfig, port: ConsolePort): Promise<ConsoleEndpoint> {
    if (port !== 'com1') throw new AppError('not_found', `${guest.name} has one serial console on Xen, com1 (xl console).`);
    return { kind: 'pty', argv: privileged(this.settings, xlDomainArgv('console', guest.name)), detachKey: XL_CONSOLE_DETACH };
  }

  /** `xl list -l` (JSON on Xen 4.x), else the table `xl list` prints; either fails on a host that is not a Dom0. */
  private async listDomains(): Promise<Map<string, Domain>> {
    const long = await this.runner.run(privileged(this.settings, xlListArgv(true)), { timeoutMs: LIST_MS, logKey: 'xen: the domains (xl list -l)' });
    const parsed = long.exitCode === 0 ? parseXlListLong(long.stdout) : undefined;
    if (parsed) return parsed;
    const table = await this.runner.run(privileged(this.settings, xlListArgv(false)), { timeoutMs: LIST_MS, logKey: 'xen: the domains (xl list)' });
    if (table.exitCode !== 0) throw new AppError('unavailable', `xl list failed (is this a Xen Dom0?): ${table.stderr.trim() || `exit status ${table.exitCode}`}`);
    return parseXlList(table.stdout);
  }

  private async requireRunning(guest: GuestConfig): Promise<void> {
    if ((await this.status(guest)).state !== 'running') throw new AppError('conflict', `${guest.name} is not running.`);
  }

  /**
   * After a run xl created, once its domain is gone: the screen's address goes, and an install's media leaves the
   * .conf and xl.cfg (handbook 24.7.3: remove the cdrom line once the OS is installed). A .conf whose media was
   * changed meanwhile keeps the new one.
   */
  private async finishRun(guest: GuestConfig): Promise<void> {
    const runFile = this.store.runtimePath(guest.name, RUN_FILE);
    const run = Run.safeParse(parseJson((await readFile(runFile, 'utf8').catch(() => undefined)) ?? ''));
    if (!run.success) return;
    await this.store.removeRuntime(guest.name, 'console');
    const media = run.data.installMedia;
    const doc = media ? await this.store.read(guest.name) : undefined;
    if (doc && getValue(doc, KEY.installMedia) === media) {
      await this.store.write(guest.name, removeKey(doc, KEY.installMedia));
      const configPath = configPathOf(this.store.guestDir(guest.name));
      const config = await readFile(configPath, 'utf8').catch(() => undefined);
      if (config !== undefined) await writeFileAtomic(configPath, withoutCdrom(config));
    }
    await rm(runFile, { force: true });
  }

  private place(guest: GuestConfig): DiskPlace {
    return { guestDir: this.store.guestDir(guest.name), ...(this.settings.zfsDataset ? { zvolDataset: `${this.settings.zfsDataset}/${guest.name}` } : {}) };
  }
}
