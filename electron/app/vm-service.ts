import { SerialLog } from '../consoles/serial-log.js';
import { serialLogPath } from '../datastore/serial-logs.js';
import { ConsolePort } from '../../shared/api/consoles.js';
import { VmName } from '../../shared/validation.js';
import { type BackendId, type CreatePlan, type CreateVmInput, isUp, type VmSummary } from '../../shared/api/vms.js';
import type { Backend, DeleteResult, Plan, StatusReader } from '../backends/backend.js';
import type { Availability } from '../backends/entry.js';
import { backendEntry } from '../backends/registry.js';
import type { ConsoleEndpoint } from '../consoles/endpoint.js';
import { type Datastore, NameTakenError } from '../datastore/datastore.js';
import { type ConfDocument, serializeConf, setValue } from '../datastore/conf.js';
import { type GuestConfig, KEY, newGuestDoc, toGuestConfig } from '../datastore/guest-config.js';
import { pendingRestart } from '../datastore/pending.js';
import { macOwners } from '../datastore/first-start.js';
import { newMac, newUuid } from '../datastore/identity.js';
import { AppError } from '../errors.js';
import { JobStore } from '../jobs/job-store.js';
import type { DisplayTarget } from '../consoles/display-target.js';
import { checkCreate, nameTaken, refuseMedia } from './create-checks.js';
import { withJobs } from './job-placeholders.js';

export type BackendSet = Partial<Record<BackendId, Backend>>;

export interface VmServiceOptions {
  /** Jobs hold guests (a clone's source and target), whichever Hivedesk process started them. */
  jobs?: JobStore;
  /** Why a backend cannot make guests here (its tools are missing); a backend not named can. */
  availability?: ReadonlyMap<BackendId, Availability>;
}

/** What the VM requests do; the handlers are thin and call this. */
export class VmService {
  private readonly busy = new Map<string, Promise<void>>();
  private readonly jobs: JobStore;

  constructor(
    private readonly store: Datastore,
    private readonly backends: BackendSet,
    readonly defaultBackend: BackendId,
    private readonly options: VmServiceOptions = {},
  ) {
    this.jobs = options.jobs ?? new JobStore(store.root);
  }

  /**
   * The datastore's guests and those the hypervisors here keep themselves (VirtualBox's). One unreadable guest must
   * not hide the others: it is listed with what went wrong. Each backend reads what its guests share on the host once
   * per list, not once per guest.
   */
  async listVms(): Promise<VmSummary[]> {
    const [names, registered] = await Promise.all([this.store.listNames(), this.registeredGuests()]);
    const readers = new Map<Backend, StatusReader>();
    const status: StatusReader = (guest) => {
      const backend = this.backend(guest);
      const reader = readers.get(backend) ?? backend.statusReader();
      readers.set(backend, reader);
      return reader(guest);
    };
    const inStore = names.map((name) => this.summary(name, status).catch((err: Error) => this.unreadable(name, err)));
    const elsewhere = registered.filter((guest) => !names.includes(guest.name)).map((guest) => this.registeredSummary(guest, status));
    const [vms, jobs] = await Promise.all([Promise.all([...inStore, ...elsewhere]), this.jobs.list()]);
    return withJobs(vms, jobs, this.defaultBackend);
  }

  /** A directory vm-bhyve or a person made with a name Hivedesk refuses: listed, with why, never acted on. */
  async summary(name: string, status: StatusReader = (guest) => this.backend(guest).status(guest)): Promise<VmSummary> {
    const valid = VmName.safeParse(name);
    if (!valid.success) throw new Error(`its name is not one Hivedesk accepts (${valid.error.issues[0]?.message ?? 'invalid'}); rename the directory and its .conf`);
    const doc = await this.store.read(name);
    if (doc) return this.describe(toGuestConfig(name, doc, this.defaultBackend), doc, status);
    return this.describe(await this.guest(name), undefined, status);
  }

  /** A hypervisor's guest whose name Hivedesk refuses is listed with why, as a directory would be. */
  private registeredSummary(guest: GuestConfig, status: StatusReader): Promise<VmSummary> {
    const valid = VmName.safeParse(guest.name);
    if (!valid.success) return Promise.resolve(this.unreadable(guest.name, new Error(`its name is not one Hivedesk accepts (${valid.error.issues[0]?.message ?? 'invalid'}); rename it in ${guest.backend}`), guest.backend));
    return this.describe(guest, undefined, status).catch((err: Error) => this.unreadable(guest.name, err, guest.backend));
  }

  /** Every guest the hypervisors here keep themselves; one whose registry cannot be read lists none (its command failed in the log). */
  private async registeredGuests(): Promise<GuestConfig[]> {
    const lists = await Promise.all(this.registries().map(async (backend) => (await backend.registry?.list().catch(() => [])) ?? []));
    return lists.flat();
  }

  private registries(): Backend[] {
    return Object.values(this.backends).filter((backend) => backend.registry !== undefined && this.options.availability?.get(backend.id)?.available !== false);
  }

  private unreadable(name: string, err: Error, backend = this.defaultBackend): VmSummary {
    return { name, backend, state: 'stopped', cpus: 0, memory: '?', profile: 'other', disks: [], consoles: [], display: false, lastFault: `Hivedesk cannot read this guest: ${err.message}` };
  }

  /** What `createVm` runs and writes (the guest's .conf, its disks, a registry's records), then what its first start would. */
  async planCreateVm(input: CreateVmInput): Promise<CreatePlan> {
    const unchecked = await this.checkCreate(input, 'plan');
    const { guest, doc, backend, identity } = await this.newGuest(input);
    const start = await backend.planStart(guest);
    const dir = await backend.newGuestDir?.(guest);
    const missing = this.unavailable(input);
    start.warnings.unshift(...(missing ? [missing] : []), ...unchecked);
    const conf = backend.registry ? [] : [{ path: this.store.confPath(input.name), content: serializeConf(doc), why: `${input.name}'s settings, as vm-bhyve keeps them` }];
    return { ...start, commands: [...(dir?.commands ?? []), ...backend.planCreate(guest, [input.diskSize]), ...start.commands], files: [...conf, ...start.files], identity };
  }

  /**
   * Checks first, so a refused request creates nothing; then the .conf and the disks, or the hypervisor's own
   * records for a guest it keeps itself.
   */
  async createVm(input: CreateVmInput): Promise<VmSummary> {
    const missing = this.unavailable(input);
    if (missing) throw new AppError('unavailable', missing, { backend: missing });
    await this.checkCreate(input);
    const { guest, doc, backend } = await this.newGuest(input);
    if (backend.registry) {
      await backend.create(guest, [input.diskSize]);
      return this.summary(input.name);
    }
    const dir = await backend.newGuestDir?.(guest);
    await this.store.create(input.name, doc, dir).catch((err: unknown) => {
      throw err instanceof NameTakenError ? nameTaken(input.name, err.holder) : err;
    });
    try {
      await backend.create(guest, [input.diskSize]);
    } catch (err) {
      await this.store.removeNew(input.name, dir);
      throw err;
    }
    return this.summary(input.name);
  }

  /** What `startVm` (or, with an ISO, `installVm`) would run; runs nothing. */
  async planStartVm(name: string, installMedia?: string): Promise<Plan> {
    const guest = await this.guest(name);
    return this.backend(guest).planStart(installMedia ? { ...guest, installMedia } : guest);
  }

  /** vm-bhyve's `vm install`: boot with the ISO attached until the guest fully stops. */
  async installVm(name: string, installMedia: string): Promise<VmSummary> {
    const doc = await this.store.read(name);
    if (!doc) {
      const guest = await this.guest(name);
      throw new AppError('unavailable', `${guest.backend} keeps ${name}'s drives itself: attach the ISO to its DVD drive there, then start it.`);
    }
    await refuseMedia(installMedia);
    await this.store.write(name, setValue(doc, KEY.installMedia, installMedia));
    try {
      return await this.startVm(name);
    } catch (err) {
      // A refused install leaves the guest as it was.
      await this.store.write(name, doc);
      throw err;
    }
  }

  startVm(name: string): Promise<VmSummary> {
    return this.act(name, 'start');
  }

  stopVm(name: string): Promise<VmSummary> {
    return this.act(name, 'stop');
  }

  powerOffVm(name: string): Promise<VmSummary> {
    return this.act(name, 'powerOff');
  }

  /** Only a stopped guest, and its disks only when asked; its backend removes it. */
  async deleteVm(name: string, deleteDisks: boolean): Promise<DeleteResult> {
    return this.exclusive(name, async () => {
      await this.refuseHeld(name);
      const guest = await this.guest(name);
      const backend = this.backend(guest);
      if ((await backend.status(guest)).state !== 'stopped') throw new AppError('conflict', `Stop ${name} before deleting it.`);
      return backend.delete(guest, deleteDisks);
    });
  }

  /** The serial ports a guest has, as its configuration says (running or not). */
  async consolePorts(name: string): Promise<ConsolePort[]> {
    return serialPorts(await this.guest(name));
  }

  /** How a running guest's port is reached, as its backend says. */
  async consoleEndpoint(name: string, port: ConsolePort): Promise<ConsoleEndpoint> {
    const guest = await this.guest(name);
    return this.backend(guest).consoleEndpoint(guest, port);
  }

  /** Where a running guest's screen is served, as its backend says. */
  async display(name: string): Promise<DisplayTarget> {
    const guest = await this.guest(name);
    return this.backend(guest).display(guest);
  }

  async state(name: string): Promise<VmSummary['state']> {
    const guest = await this.guest(name);
    return (await this.backend(guest).status(guest)).state;
  }

  /** A port's serial log, kept in the guest's folder by its hypervisor or by the console while it is open. */
  async serialLog(name: string, port: ConsolePort): Promise<SerialLog> {
    const { serialLogWriter } = this.backend(await this.guest(name));
    return new SerialLog(serialLogPath(this.store.guestDir(name), port), serialLogWriter);
  }

  /** The process that runs the guest, for its activity; undefined when it does not run here. */
  async hypervisorPid(name: string): Promise<number | undefined> {
    const guest = await this.guest(name);
    return this.backend(guest).hypervisorPid(guest);
  }

  /** One action per guest at a time: two Starts (a second window, the CLI) must not both pass the state check. */
  private act(name: string, action: 'start' | 'stop' | 'powerOff'): Promise<VmSummary> {
    return this.exclusive(name, async () => {
      await this.refuseHeld(name);
      const guest = await this.guest(name);
      await this.backend(guest)[action](guest);
      return this.summary(name);
    });
  }

  /**
   * Only a stopped guest that no job holds: what clone, rename, rollback and a snapshot need.
   * `doing` finishes "Stop web1 before …".
   */
  async requireStopped(name: string, doing: string): Promise<GuestConfig> {
    await this.refuseHeld(name);
    const guest = await this.guest(name);
    const backend = this.backend(guest);
    // These work on the datastore's directories and datasets; a hypervisor that keeps its guests does them itself.
    if (backend.registry) throw new AppError('unavailable', `${backendEntry(guest.backend)?.label ?? guest.backend} keeps ${name} itself: do ${doing} there.`);
    const status = await backend.status(guest);
    if (status.state === 'locked') throw new AppError('conflict', `${name} is locked by ${status.lockedBy ?? 'another host'}: it may be running there.`);
    if (status.state !== 'stopped') throw new AppError('conflict', `Stop ${name} before ${doing}.`);
    return guest;
  }

  /** A job (a clone) is working on the guest or making it. */
  async refuseHeld(name: string): Promise<void> {
    const job = await this.jobs.holding(name);
    if (job) throw new AppError('conflict', `${name} is held by the job “${job.title}” (${job.status}); wait for it, or cancel or clear it in Jobs.`);
  }

  /** One guest at a time in this process: an action, a settings save, a rename or a clone's start. */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.busy.get(name) ?? Promise.resolve();
    const next = previous.then(work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.busy.set(name, settled);
    void settled.then(() => this.busy.get(name) === settled && this.busy.delete(name));
    return next;
  }

  /** `doc` is the guest's .conf; a guest a hypervisor keeps itself has none, and no settings pending. */
  private async describe(guest: GuestConfig, doc: ConfDocument | undefined, statusOf: StatusReader): Promise<VmSummary> {
    const status = await statusOf(guest);
    const { fields: pending, booted } = doc && isUp(status.state) ? await pendingRestart(this.store.guestDir(guest.name), doc, guest.backend) : { fields: [] };
    return {
      name: guest.name,
      backend: guest.backend,
      state: status.state,
      cpus: guest.cpus,
      memory: guest.memory,
      profile: guest.profile,
      disks: guest.disks.map((d) => d.name),
      consoles: serialPorts(guest),
      // A running guest has the screen it booted with: a framebuffer turned on or off since is pending.
      display: this.backend(guest).hasScreen(guest) !== pending.includes('graphics.enabled'),
      ...(guest.installMedia ? { installMedia: guest.installMedia } : {}),
      ...(status.lockedBy ? { lockedBy: status.lockedBy } : {}),
      ...(status.lastFault ? { lastFault: status.lastFault } : {}),
      ...(pending.length ? { pendingRestart: pending } : {}),
      ...(booted && (pending.includes('cpus') || pending.includes('memory')) ? { booted: { cpus: booted.cpus, memory: booted.memory } } : {}),
    };
  }

  /** A guest of the datastore, else one a hypervisor here keeps itself. */
  async guest(name: string): Promise<GuestConfig> {
    const doc = await this.store.read(name);
    if (doc) return toGuestConfig(name, doc, this.defaultBackend);
    for (const backend of this.registries()) {
      const guest = await backend.registry?.find(name);
      if (guest) return guest;
    }
    // A guest a job is still making has no .conf yet: say so, not that there is none.
    await this.refuseHeld(name);
    throw new AppError('not_found', `There is no VM named ${name}.`);
  }

  backend(guest: GuestConfig): Backend {
    const backend = this.backends[guest.backend];
    if (!backend) throw new AppError('unavailable', `The ${guest.backend} backend is not available on this host.`);
    return backend;
  }

  /**
   * The new guest as its backend will make it: the common keys, and the ones its backend gives its profile. Its uuid
   * and network0's MAC are the request's (the ones its plan showed), else drawn, the MAC unlike every other.
   */
  private async newGuest(input: CreateVmInput): Promise<{ guest: GuestConfig; doc: ConfDocument; backend: Backend; identity: { uuid: string; mac: string } }> {
    const id = input.backend ?? this.defaultBackend;
    const identity = { uuid: input.uuid ?? newUuid(), mac: input.mac ?? newMac(new Set((await macOwners(this.store)).keys())) };
    const doc = newGuestDoc({ ...input, ...identity }, id, backendEntry(id)?.newGuestKeys(input.profile));
    const guest = toGuestConfig(input.name, doc, id);
    return { guest, doc, backend: this.backend(guest), identity };
  }

  /**
   * Why another backend than the host's cannot make a guest here (its tools are missing). The host's own is never
   * refused (its guests are planned and kept here even where it cannot run them), and a plan only warns.
   */
  private unavailable(input: CreateVmInput): string | undefined {
    const id = input.backend ?? this.defaultBackend;
    const here = this.options.availability?.get(id);
    return id !== this.defaultBackend && here && !here.available ? `${backendEntry(id)?.label ?? id} cannot run guests on this host: ${here.reason}` : undefined;
  }

  /** See create-checks.ts; the chosen backend's registry is asked even where its tools seem missing. */
  private checkCreate(input: CreateVmInput, use: 'create' | 'plan' = 'create'): Promise<string[]> {
    const chosen = this.backends[input.backend ?? this.defaultBackend];
    return checkCreate(this.store, [...this.registries(), ...(chosen?.registry ? [chosen] : [])], input, use);
  }
}

function serialPorts(guest: GuestConfig): ConsolePort[] {
  return guest.comports.filter((port): port is ConsolePort => ConsolePort.safeParse(port).success);
}
