import { rm } from 'node:fs/promises';
import { structuredPatch } from 'diff';
import { type ConfDiff, type HistoryEntry, loaderIssues, type SettingsPreview, type SettingsView, SwitchChoice, type VmSettings } from '../../shared/api/settings.js';
import { isUp, type PlannedCommand } from '../../shared/api/vms.js';
import { formatBytes, parseSizeMiB } from '../../shared/validation.js';
import type { Backend } from '../backends/backend.js';
import { definedSwitches } from '../backends/bhyve/switches.js';
import { backendEntry } from '../backends/registry.js';
import { type ConfDocument, entries, parseConf, serializeConf } from '../datastore/conf.js';
import { ConfHistory, confRevision, idTime, setAside } from '../datastore/conf-history.js';
import { type Datastore, exists } from '../datastore/datastore.js';
import { type GuestConfig, toGuestConfig } from '../datastore/guest-config.js';
import { newMac } from '../datastore/identity.js';
import { pendingRestart } from '../datastore/pending.js';
import { applySettings, otherKeys, readSettings } from '../datastore/settings-conf.js';
import { AppError, configError } from '../errors.js';
import { installMediaProblem } from '../host/media.js';
import type { BackendSet, VmService } from './vm-service.js';

const MIB = 1024 * 1024;

/** A guest's .conf as read now, with what is derived from it. */
interface Current {
  doc: ConfDocument;
  text: string;
  guest: GuestConfig;
  backend: Backend;
}

/** An edit worked out in full, before anything runs or is written. */
interface Edit {
  current: Current;
  next: ConfDocument;
  guest: GuestConfig;
  /** New disks: their index in `guest.disks` and size. */
  creates: Array<{ index: number; size: string }>;
  commands: PlannedCommand[];
  notes: string[];
}

/**
 * The Settings requests. A save writes only what changed, keeps the previous text in the history
 * first, and refuses (conflict) when the file is not the one the form was read from.
 */
export class SettingsService {
  constructor(
    private readonly store: Datastore,
    private readonly backends: BackendSet,
    private readonly vms: VmService,
  ) {}

  async get(name: string): Promise<SettingsView> {
    const current = await this.read(name);
    const { guest, backend, doc, text } = current;
    const state = (await backend.status(guest)).state;
    const disks = await Promise.all(guest.disks.map(async (_, i) => this.diskInfo(current, i)));
    return {
      name,
      backend: guest.backend,
      state,
      revision: confRevision(text),
      settings: readSettings(doc, guest.backend),
      pending: isUp(state) ? (await pendingRestart(this.store.guestDir(name), doc, guest.backend)).fields : [],
      otherKeys: otherKeys(doc),
      disks,
      guestDir: this.store.guestDir(name),
    };
  }

  async preview(name: string, settings: VmSettings): Promise<SettingsPreview> {
    const edit = await this.edit(await this.read(name), settings);
    const start = await edit.current.backend.planStart(edit.guest).catch((err: unknown) => {
      if (err instanceof AppError) return { commands: [], files: [], warnings: [err.message], notes: [] };
      throw err;
    });
    return { saveCommands: edit.commands, diff: confDiff(edit.current.text, serializeConf(edit.next)), start, notes: edit.notes, revision: confRevision(edit.current.text) };
  }

  save({ name, revision, settings }: { name: string; revision: string; settings: VmSettings }): Promise<{ view: SettingsView; ran: PlannedCommand[]; notes: string[] }> {
    return this.vms.exclusive(name, async () => {
      const current = await this.read(name);
      checkRevision(current.text, revision);
      const edit = await this.edit(current, settings);
      if (serializeConf(edit.next) === current.text) return { view: await this.get(name), ran: [], notes: ['Nothing changed.'] };
      await this.makeDisks(edit);
      await this.write(name, current.text, edit.next);
      const view = await this.get(name);
      const later = isUp(view.state) ? [`${name} is running: bhyve and QEMU take none of these changes live, so they apply at its next start.`] : [];
      return { view, ran: edit.commands, notes: [...edit.notes, ...later] };
    });
  }

  async history(name: string): Promise<HistoryEntry[]> {
    const { doc } = await this.read(name);
    const history = this.historyOf(name);
    const now = new Map(entries(doc));
    return Promise.all(
      (await history.ids()).map(async (id) => {
        const then = new Map(entries(parseConf((await history.read(id)) ?? '')));
        const keys = [...new Set([...now.keys(), ...then.keys()])].filter((key) => now.get(key) !== then.get(key));
        return { id, at: idTime(id), changedKeys: keys };
      }),
    );
  }

  async historyDiff(name: string, id: string): Promise<ConfDiff> {
    const { text } = await this.read(name);
    return confDiff(await this.version(name, id), text);
  }

  /** A revert is a save of an earlier text: the current one goes into the history first. */
  revert({ name, id, revision }: { name: string; id: string; revision: string }): Promise<{ view: SettingsView; ran: PlannedCommand[]; notes: string[] }> {
    return this.vms.exclusive(name, async () => {
      const current = await this.read(name);
      checkRevision(current.text, revision);
      const text = await this.version(name, id);
      await this.write(name, current.text, parseConf(text));
      return { view: await this.get(name), ran: [], notes: [`Reverted to the version replaced at ${idTime(id)}.`] };
    });
  }

  /** Unused by every guest of the datastore, so two guests on one switch never clash. */
  async newMac(name: string): Promise<{ mac: string }> {
    await this.read(name);
    const docs = await Promise.all((await this.store.listNames()).map((other) => this.store.read(other)));
    const taken = docs.flatMap((doc) => (doc ? entries(doc) : [])).filter(([key]) => /^network\d+_mac$/.test(key)).map(([, mac]) => mac.toLowerCase());
    return { mac: newMac(new Set(taken)) };
  }

  /** The switches vm-bhyve's system.conf defines; a name the form's own check refuses could not be chosen, so it is left out. */
  async switches(): Promise<SwitchChoice[]> {
    const defined = definedSwitches(await this.store.readSystemConf());
    return defined.filter((sw) => SwitchChoice.shape.name.safeParse(sw.name).success).map(({ name, type }) => ({ name, type }));
  }

  /** Moves the guest's variable store aside (kept, never deleted): the next start copies the template again. */
  resetUefiVars(name: string): Promise<{ movedTo: string }> {
    return this.vms.exclusive(name, async () => {
      const { guest } = await this.stopped(name, 'resetting its UEFI variables');
      const noVars = backendEntry(guest.backend)?.hints.noUefiVars;
      if (noVars) throw new AppError('unavailable', noVars);
      const vars = this.store.runtimePath(name, 'uefi-vars.fd');
      if (!(await exists(vars))) throw new AppError('not_found', `${name} has no UEFI variables yet: they are made at its next start.`);
      return { movedTo: await setAside(this.store.guestDir(name), vars, 'uefi-vars.fd') };
    });
  }

  async planGrow(name: string, disk: number, size: string): Promise<{ commands: PlannedCommand[]; fromBytes: number; toBytes: number }> {
    const current = await this.read(name);
    if (!current.guest.disks[disk]) throw new AppError('not_found', `${name} has no disk${disk}.`);
    const fromBytes = await current.backend.diskBytes(current.guest, disk);
    if (fromBytes === undefined) throw new AppError('not_found', `The size of disk${disk} cannot be read (${this.pathOf(current, disk)}).`);
    const toBytes = (parseSizeMiB(size) ?? 0) * MIB;
    if (toBytes <= fromBytes) {
      const message = `disk${disk} is ${formatBytes(fromBytes)} now: a disk can only grow (shrinking would cut off the guest's data).`;
      throw new AppError('invalid_input', message, { size: message });
    }
    return { commands: current.backend.planGrowDisk(current.guest, disk, size), fromBytes, toBytes };
  }

  /** Only while stopped: the guest's OS must not see its disk change size under it. */
  grow(name: string, disk: number, size: string): Promise<{ commands: PlannedCommand[]; fromBytes: number; toBytes: number }> {
    return this.vms.exclusive(name, async () => {
      const { backend } = await this.stopped(name, `growing disk${disk}`);
      const plan = await this.planGrow(name, disk, size);
      await backend.runCommands(plan.commands);
      return plan;
    });
  }

  private async read(name: string): Promise<Current> {
    const doc = await this.store.read(name);
    if (!doc) {
      const guest = await this.vms.guest(name);
      throw new AppError('unavailable', `${backendEntry(guest.backend)?.label ?? guest.backend} keeps ${name}'s settings itself: change them there (VBoxManage modifyvm ${name}, or its own window).`);
    }
    const guest = toGuestConfig(name, doc, this.vms.defaultBackend);
    const backend = this.backends[guest.backend];
    if (!backend) throw new AppError('unavailable', `The ${guest.backend} backend is not available on this host.`);
    return { doc, text: serializeConf(doc), guest, backend };
  }

  private async stopped(name: string, doing: string): Promise<Current> {
    const current = await this.read(name);
    if ((await current.backend.status(current.guest)).state !== 'stopped') throw new AppError('conflict', `Stop ${name} before ${doing}.`);
    return current;
  }

  private historyOf(name: string): ConfHistory {
    return new ConfHistory(this.store.guestDir(name));
  }

  private async version(name: string, id: string): Promise<string> {
    const text = await this.historyOf(name).read(id);
    if (text === undefined) throw new AppError('not_found', `${name} has no saved version ${id}.`);
    return text;
  }

  /** The previous text into the history, then the new one in place; a hand edit since the check is refused. */
  private async write(name: string, previous: string, next: ConfDocument): Promise<void> {
    checkRevision((await this.read(name)).text, confRevision(previous));
    await this.historyOf(name).keep(previous);
    await this.store.write(name, next);
  }

  private async edit(current: Current, settings: VmSettings): Promise<Edit> {
    const [issue] = loaderIssues(current.guest.backend, settings);
    if (issue) throw fieldError(issue.path.join('.'), issue.message);
    const next = configError(() => applySettings(current.doc, settings, current.guest.backend));
    const guest = toGuestConfig(current.guest.name, next, current.guest.backend);
    const creates = settings.disks.flatMap((d, index) => (d.from === undefined && d.size !== undefined ? [{ index, size: d.size }] : []));
    await this.checkDisks(current, guest, settings);
    if (settings.installMedia !== undefined && settings.installMedia !== current.guest.installMedia) {
      const problem = await installMediaProblem(settings.installMedia);
      if (problem) throw fieldError('installMedia', problem);
    }
    const commands = creates.flatMap(({ index, size }) => current.backend.planCreateDisk(guest, index, size));
    return { current, next, guest, creates, commands, notes: this.notes(current, settings) };
  }

  /** A new disk must not overwrite a file; an attached one must exist. */
  private async checkDisks(current: Current, guest: GuestConfig, settings: VmSettings): Promise<void> {
    for (const [index, disk] of settings.disks.entries()) {
      if (disk.from !== undefined) continue;
      const path = this.pathOf({ ...current, guest }, index);
      const there = disk.dev === 'file' || disk.dev === 'custom' ? await exists(path) : undefined;
      if (disk.size !== undefined && there) throw fieldError(`disks.${index}.name`, `${path} exists already: attach it (no size), or choose another name.`);
      if (disk.size === undefined && there === false) throw fieldError(`disks.${index}.name`, `There is no disk at ${path} to attach.`);
    }
  }

  private notes(current: Current, settings: VmSettings): string[] {
    const kept = settings.disks.flatMap((d) => (d.from === undefined ? [] : [d.from]));
    const detached = current.guest.disks.flatMap((disk, i) => (kept.includes(i) ? [] : [`${disk.name} is detached; the disk stays at ${this.pathOf(current, i)}.`]));
    const disksMoved = kept.some((from, i) => from !== i);
    const nicsMoved = settings.networks.some((n, i) => n.from !== undefined && n.from !== i);
    return [
      ...detached,
      ...(disksMoved ? ['Disks change places: the guest sees them at new device addresses (disk0 is the boot disk), so its OS may name them differently.'] : []),
      ...(nicsMoved ? ['Network interfaces change places: the guest sees them at new device addresses.'] : []),
    ];
  }

  /** Runs the new disks' commands; if one fails, the files this save made go again and nothing is written. */
  private async makeDisks(edit: Edit): Promise<void> {
    const made: string[] = [];
    try {
      for (const { index, size } of edit.creates) {
        await edit.current.backend.runCommands(edit.current.backend.planCreateDisk(edit.guest, index, size));
        if (edit.guest.disks[index]?.dev === 'file') made.push(edit.current.backend.diskPath(edit.guest, index));
      }
    } catch (err) {
      await Promise.all(made.map((path) => rm(path, { force: true })));
      throw err;
    }
  }

  private pathOf(current: Current, index: number): string {
    try {
      return current.backend.diskPath(current.guest, index);
    } catch (err) {
      return `${current.guest.disks[index]?.name ?? `disk${index}`} (${(err as Error).message})`;
    }
  }

  private async diskInfo(current: Current, index: number): Promise<{ path: string; bytes?: number }> {
    const bytes = await current.backend.diskBytes(current.guest, index).catch(() => undefined);
    return { path: this.pathOf(current, index), ...(bytes !== undefined ? { bytes } : {}) };
  }
}

function checkRevision(text: string, revision: string): void {
  if (confRevision(text) !== revision) {
    throw new AppError('conflict', 'The .conf was changed on disk since this form was opened (edited by hand or with vm configure). Nothing was saved: reload to see the file as it is now.');
  }
}

function fieldError(field: string, message: string): AppError {
  return new AppError('invalid_input', message, { [`settings.${field}`]: message });
}

/** Unified-diff hunks between two versions of a .conf. */
export function confDiff(before: string, after: string): ConfDiff {
  return structuredPatch('before', 'after', before, after, '', '', { context: 2 }).hunks.map((h) => ({ oldStart: h.oldStart, newStart: h.newStart, lines: h.lines }));
}
