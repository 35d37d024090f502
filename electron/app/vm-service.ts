import type { SerialLogWriter } from '../consoles/serial-log.js';
import { ConsolePort } from '../../shared/api/consoles.js';
import { isUefi } from '../../shared/api/settings.js';
import { VmName } from '../../shared/validation.js';
import { type BackendId, type CreateVmInput, isUp, type VmSummary } from '../../shared/api/vms.js';
import type { Backend, Plan, StatusReader } from '../backends/backend.js';
import { type Datastore, type NameHolder, NameTakenError } from '../datastore/datastore.js';
import { setValue } from '../datastore/conf.js';
import { installMediaProblem } from '../host/media.js';
import { type GuestConfig, KEY, newGuestDoc, toGuestConfig } from '../datastore/guest-config.js';
import { pendingRestart } from '../datastore/pending.js';
import { AppError } from '../errors.js';
import { JobStore } from '../jobs/job-store.js';
import { withJobs } from './job-placeholders.js';

export type BackendSet = Partial<Record<BackendId, Backend>>;

/** What the VM requests do; the handlers are thin and call this. */
export class VmService {
  private readonly busy = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Datastore,
    private readonly backends: BackendSet,
    readonly defaultBackend: BackendId,
    /** Jobs hold guests (a clone's source and target), whichever Hivedesk process started them. */
    private readonly jobs = new JobStore(store.root),
  ) {}

  /**
   * One unreadable guest must not hide the others: it is listed with what went wrong. Each
   * backend reads what its guests share on the host once per list, not once per guest.
   */
  async listVms(): Promise<VmSummary[]> {
    const names = await this.store.listNames();
    const readers = new Map<Backend, StatusReader>();
    const status: StatusReader = (guest) => {
      const backend = this.backend(guest);
      const reader = readers.get(backend) ?? backend.statusReader();
      readers.set(backend, reader);
      return reader(guest);
    };
    const [vms, jobs] = await Promise.all([Promise.all(names.map((name) => this.summary(name, status).catch((err: Error) => this.unreadable(name, err)))), this.jobs.list()]);
    return withJobs(vms, jobs, this.defaultBackend);
  }

  /** A directory vm-bhyve or a person made with a name Hivedesk refuses: listed, with why, never acted on. */
  async summary(name: string, status: StatusReader = (guest) => this.backend(guest).status(guest)): Promise<VmSummary> {
    const valid = VmName.safeParse(name);
    if (!valid.success) throw new Error(`its name is not one Hivedesk accepts (${valid.error.issues[0]?.message ?? 'invalid'}); rename the directory and its .conf`);
    return this.describe(name, status);
  }

  private unreadable(name: string, err: Error): VmSummary {
    return { name, backend: this.defaultBackend, state: 'stopped', cpus: 0, memory: '?', profile: 'other', disks: [], consoles: [], display: false, lastFault: `Hivedesk cannot read this guest: ${err.message}` };
  }

  async planCreateVm(input: CreateVmInput): Promise<Plan> {
    await this.checkCreate(input);
    const guest = toGuestConfig(input.name, newGuestDoc(input, this.defaultBackend), this.defaultBackend);
    const backend = this.backend(guest);
    const start = await backend.planStart(guest);
    return { ...start, commands: [...backend.planCreate(guest, [input.diskSize]), ...start.commands] };
  }

  /** Checks first, so a refused request creates nothing; then the .conf, then the disks. */
  async createVm(input: CreateVmInput): Promise<VmSummary> {
    await this.checkCreate(input);
    const doc = newGuestDoc(input, this.defaultBackend);
    const guest = toGuestConfig(input.name, doc, this.defaultBackend);
    const backend = this.backend(guest);
    await this.store.create(input.name, doc).catch((err: unknown) => {
      throw err instanceof NameTakenError ? nameTaken(input.name, err.holder) : err;
    });
    try {
      await backend.create(guest, [input.diskSize]);
    } catch (err) {
      await this.store.removeNew(input.name);
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
    if (!doc) throw new AppError('not_found', `There is no VM named ${name}.`);
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

  /** Only a stopped guest, and its disks only when asked. */
  async deleteVm(name: string, deleteDisks: boolean): Promise<{ removed: string[]; kept: string[] }> {
    return this.exclusive(name, async () => {
      await this.refuseHeld(name);
      const guest = await this.guest(name);
      if ((await this.backend(guest).status(guest)).state !== 'stopped') throw new AppError('conflict', `Stop ${name} before deleting it.`);
      const inDir = guest.disks.filter((d) => d.dev === 'file').map((d) => d.name);
      const outside = guest.disks.filter((d) => d.dev !== 'file').map((d) => d.name);
      const keep = new Set(deleteDisks ? [] : inDir);
      const removed = await this.store.remove(name, keep);
      const dir = this.store.guestDir(name);
      return { removed, kept: [...[...keep].map((f) => `${dir}/${f}`), ...outside] };
    });
  }

  /** The serial ports a guest has, as its configuration says (running or not). */
  async consolePorts(name: string): Promise<ConsolePort[]> {
    return serialPorts(await this.guest(name));
  }

  async state(name: string): Promise<VmSummary['state']> {
    const guest = await this.guest(name);
    return (await this.backend(guest).status(guest)).state;
  }

  async serialLogWriter(name: string): Promise<SerialLogWriter> {
    return this.backend(await this.guest(name)).serialLogWriter;
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
    const status = await this.backend(guest).status(guest);
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

  private async describe(name: string, statusOf: StatusReader): Promise<VmSummary> {
    const doc = await this.store.read(name);
    if (!doc) throw new AppError('not_found', `There is no VM named ${name}.`);
    const guest = toGuestConfig(name, doc, this.defaultBackend);
    const status = await statusOf(guest);
    const pending = isUp(status.state) ? await pendingRestart(this.store.guestDir(name), doc, guest.backend) : [];
    return {
      name,
      backend: guest.backend,
      state: status.state,
      cpus: guest.cpus,
      memory: guest.memory,
      profile: guest.profile,
      disks: guest.disks.map((d) => d.name),
      consoles: serialPorts(guest),
      display: hasScreen(guest, pending),
      ...(guest.installMedia ? { installMedia: guest.installMedia } : {}),
      ...(status.lockedBy ? { lockedBy: status.lockedBy } : {}),
      ...(status.lastFault ? { lastFault: status.lastFault } : {}),
      ...(pending.length ? { pendingRestart: pending } : {}),
    };
  }

  async guest(name: string): Promise<GuestConfig> {
    const doc = await this.store.read(name);
    if (!doc) {
      // A guest a job is still making has no .conf yet: say so, not that there is none.
      await this.refuseHeld(name);
      throw new AppError('not_found', `There is no VM named ${name}.`);
    }
    return toGuestConfig(name, doc, this.defaultBackend);
  }

  backend(guest: GuestConfig): Backend {
    const backend = this.backends[guest.backend];
    if (!backend) throw new AppError('unavailable', `The ${guest.backend} backend is not available on this host.`);
    return backend;
  }

  /** The checks a schema cannot make, early for the wizard; `store.create` checks the name again, atomically. */
  private async checkCreate(input: CreateVmInput): Promise<void> {
    const holder = await this.store.holderOf(input.name);
    if (holder) throw nameTaken(input.name, holder);
    if (input.installMedia) await refuseMedia(input.installMedia);
  }
}

/** Shown next to the form's name field; names that differ only in case are one name, as in vm-bhyve. */
export function nameTaken(name: string, holder: NameHolder, field = 'name'): AppError {
  const message = holder.guest
    ? `A VM named ${name} already exists.`
    : `The datastore already has a directory ${holder.name} (disks kept from a deleted VM?). Pick another name.`;
  return new AppError('conflict', message, { [field]: message });
}

/** The reason goes next to the wizard's Install media field, and to the CLI. */
async function refuseMedia(path: string): Promise<void> {
  const problem = await installMediaProblem(path);
  if (problem) throw new AppError('invalid_input', problem, { installMedia: problem });
}

/**
 * Whether the guest has a screen to show. A running guest has the one it booted with: a framebuffer turned on or
 * off since is pending (it changes at the next start). bhyve gives a screen to UEFI guests only.
 */
function hasScreen(guest: GuestConfig, pending: readonly string[]): boolean {
  const configured = guest.graphics !== undefined && (guest.backend === 'qemu' || isUefi(guest.loader));
  return configured !== pending.includes('graphics.enabled');
}

function serialPorts(guest: GuestConfig): ConsolePort[] {
  return guest.comports.filter((port): port is ConsolePort => ConsolePort.safeParse(port).success);
}
