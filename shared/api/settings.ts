import { z } from 'zod';
import {
  blankOr,
  BhyveOptions,
  CpuCount,
  Description,
  DISK_BACKINGS,
  DISK_EMULATIONS,
  DISK_NAME_RE,
  DiskOpts,
  DiskSize,
  HOSTBRIDGES,
  HostPath,
  ListenAddress,
  Loader,
  MacAddress,
  MemorySize,
  NIC_MODELS,
  Resolution,
  SwitchName,
  Tags,
  TopologyCount,
  VmName,
  VncPort,
} from '../validation.js';
import { ConsolePort } from './consoles.js';
import { request } from './define.js';
import { BackendId, PlannedCommand, StartPlan, VmState } from './vms.js';

/** vm-run: `[ "${_loader%-*}" = "uefi" ]`: uefi, uefi-csm, uefi-custom and uefi-devel boot firmware. */
export function isUefi(loader: string): boolean {
  const dash = loader.lastIndexOf('-');
  return (dash < 0 ? loader : loader.slice(0, dash)) === 'uefi';
}

/** Index of a disk or NIC in the file as the form read it; a new one has none. */
const From = z.number().int().min(0).max(63).optional();

/** One `diskN_*` group. The list's order is the file's order (disk0 first, the boot disk). */
export const DiskSettings = z
  .object({
    type: z.enum(DISK_EMULATIONS),
    dev: z.enum(DISK_BACKINGS),
    name: z.string().trim().min(1, 'Enter the file name, the zvol name or (custom) the path.'),
    opts: DiskOpts,
    from: From,
    /** For a disk added in the form: made at save with this size. Without one, an existing file or zvol is attached. */
    size: blankOr(DiskSize),
  })
  .superRefine((disk, ctx) => {
    if (disk.dev === 'custom') {
      const path = HostPath.safeParse(disk.name);
      if (!path.success) ctx.addIssue({ code: 'custom', path: ['name'], message: path.error.issues[0]?.message ?? 'Use an absolute path.' });
      if (disk.size !== undefined) ctx.addIssue({ code: 'custom', path: ['size'], message: 'A custom disk is storage that already exists: Hivedesk does not make it.' });
    } else if (!DISK_NAME_RE.test(disk.name)) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'Use a plain name such as disk1.img: letters, digits, ".", "_" and "-", no "/".' });
    }
    if (disk.from !== undefined && disk.size !== undefined) ctx.addIssue({ code: 'custom', path: ['size'], message: 'An existing disk is grown with Grow, not here.' });
  });
export type DiskSettings = z.output<typeof DiskSettings>;

/** One `networkN_*` group. */
export const NicSettings = z.object({
  type: z.enum(NIC_MODELS),
  switch: SwitchName,
  mac: MacAddress,
  from: From,
});
export type NicSettings = z.output<typeof NicSettings>;

export const GraphicsSettings = z.object({
  enabled: z.boolean(),
  listen: ListenAddress,
  port: VncPort,
  resolution: Resolution,
  wait: z.enum(['auto', 'yes', 'no']),
  /** xhci_mouse: a USB tablet, so the pointer follows the viewer's (bhyve adds it with any loader). */
  tablet: z.boolean(),
});

/**
 * What the Settings form edits: the vm-bhyve keys of a guest's .conf, one field per key or key
 * group. The same schema checks the form and every request in main.
 */
export const VmSettings = z
  .object({
    description: Description,
    tags: Tags,
    cpus: CpuCount,
    sockets: TopologyCount,
    cores: TopologyCount,
    threads: TopologyCount,
    memory: MemorySize,
    loader: Loader,
    uefiVars: z.boolean(),
    installMedia: blankOr(HostPath),
    disks: z.array(DiskSettings).max(16, 'At most 16 disks.'),
    networks: z.array(NicSettings).max(8, 'At most 8 network interfaces.'),
    graphics: GraphicsSettings,
    comports: z.array(ConsolePort).max(4),
    bhyveOptions: BhyveOptions,
    utcTime: z.boolean(),
    hostbridge: z.enum(HOSTBRIDGES),
    wiredMemory: z.boolean(),
  })
  .superRefine((s, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const topology = [s.sockets, s.cores, s.threads];
    if (topology.some((n) => n !== undefined)) {
      (['sockets', 'cores', 'threads'] as const).forEach((key, i) => topology[i] === undefined && issue([key], 'Set sockets, cores and threads together, or leave all three empty.'));
      const [sockets, cores, threads] = topology;
      if (sockets && cores && threads && sockets * cores * threads !== s.cpus) {
        issue(['sockets'], `${sockets} sockets × ${cores} cores × ${threads} threads make ${sockets * cores * threads} CPUs, not ${s.cpus}.`);
      }
    }
    duplicates(s.disks.map((d) => `${d.dev === 'custom' ? 'custom' : 'store'}:${d.name}`)).forEach((i) => issue(['disks', i, 'name'], 'Another disk already has this name.'));
    duplicates(s.networks.map((n) => n.mac).filter(Boolean)).forEach((i) => issue(['networks', i, 'mac'], 'Another network interface has this MAC.'));
    duplicates(s.comports).forEach((i) => issue(['comports', i], 'This serial port is listed twice.'));
    duplicates(s.disks.map((d) => d.from).filter((f) => f !== undefined)).forEach((i) => issue(['disks', i, 'from'], 'A disk of the file is listed twice.'));
    duplicates(s.networks.map((n) => n.from).filter((f) => f !== undefined)).forEach((i) => issue(['networks', i, 'from'], 'A network interface of the file is listed twice.'));
  });
export type VmSettingsForm = z.input<typeof VmSettings>;
export type VmSettings = z.output<typeof VmSettings>;

export interface SettingsIssue {
  path: (string | number)[];
  message: string;
}

/**
 * bhyve's loader rules (vm-bhyve's vm-run): only UEFI firmware has a framebuffer, and bhyveload and grub boot disk0.
 * QEMU and Xen boot their own firmware whatever the loader key says, so a guest of theirs has neither rule.
 */
export function loaderIssues(backend: BackendId, s: Pick<VmSettings, 'loader' | 'graphics' | 'disks'>): SettingsIssue[] {
  if (backend !== 'bhyve') return [];
  return [
    ...(s.graphics.enabled && !isUefi(s.loader) ? [{ path: ['graphics', 'enabled'], message: 'A framebuffer needs a UEFI loader: choose uefi under Boot & firmware.' }] : []),
    ...(!isUefi(s.loader) && s.disks.length === 0 ? [{ path: ['loader'], message: `The ${s.loader} loader boots from disk0: add a disk or choose uefi.` }] : []),
  ];
}

/** The Settings form's schema for a guest of `backend`: VmSettings and that backend's loader rules. */
export function settingsSchema(backend: BackendId) {
  return VmSettings.superRefine((s, ctx) => loaderIssues(backend, s).forEach(({ path, message }) => ctx.addIssue({ code: 'custom', path, message })));
}

/** Indexes of the later copies of a repeated value. */
function duplicates<T>(values: T[]): number[] {
  return values.flatMap((v, i) => (values.indexOf(v) < i ? [i] : []));
}

/** A setting the running guest does not have yet: it applies at the next start. Names are VmSettings keys. */
export const SettingName = z.string();

/** A line diff of two versions of the .conf, as unified-diff hunks (lines start with ' ', '+' or '-'). */
export const ConfDiff = z.array(z.object({ oldStart: z.number(), newStart: z.number(), lines: z.array(z.string()) }));
export type ConfDiff = z.infer<typeof ConfDiff>;

export const DiskInfo = z.object({
  /** Where the disk is on the host. */
  path: z.string(),
  /** Its size in bytes, when it could be read. */
  bytes: z.number().optional(),
});

/** The settings of a guest as its .conf says, with what the form needs around them. */
export const SettingsView = z.object({
  name: VmName,
  backend: BackendId,
  state: VmState,
  /** A hash of the .conf text the settings were read from; a save must quote it. */
  revision: z.string(),
  settings: VmSettings,
  /** Settings that differ from what the running guest booted with (empty when it is stopped). */
  pending: z.array(SettingName),
  /** The file's keys the form does not cover: kept as they are by every save. */
  otherKeys: z.array(z.object({ key: z.string(), value: z.string() })),
  /** Per disk of `settings.disks`, in order. */
  disks: z.array(DiskInfo),
  /** The guest's directory, where file disks live and where a detached file stays. */
  guestDir: z.string(),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const SettingsRef = z.object({ name: VmName });
export const SaveSettingsInput = z.object({ name: VmName, revision: z.string().min(1), settings: VmSettings });
export const PreviewSettingsInput = z.object({ name: VmName, settings: VmSettings });

export const SettingsPreview = z.object({
  /** What the save runs first (new disks), exactly. */
  saveCommands: z.array(PlannedCommand),
  /** The lines of the .conf the save changes. */
  diff: ConfDiff,
  /** What the next start would run with these settings. */
  start: StartPlan,
  /** Things to know before saving (a reorder moves device addresses, a detached file stays). */
  notes: z.array(z.string()),
  /** The file's revision now: another than the form's means it changed on disk since the form read it. */
  revision: z.string(),
});
export type SettingsPreview = z.infer<typeof SettingsPreview>;

export const SaveResult = z.object({ view: SettingsView, ran: z.array(PlannedCommand), notes: z.array(z.string()) });

/** A switch of vm-bhyve's `.config/system.conf` (in its switch_list), offered by a NIC's Switch field. */
export const SwitchChoice = z.object({
  name: SwitchName,
  /** type_<switch>: standard, manual, vxlan, netgraph or vale. */
  type: z.string(),
});
export type SwitchChoice = z.infer<typeof SwitchChoice>;

export const HistoryEntry = z.object({
  id: z.string().regex(/^[0-9TZ.-]+$/),
  /** When this version was replaced (ISO time). */
  at: z.string(),
  /** Keys whose values differ from the current file. */
  changedKeys: z.array(z.string()),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;
export const HistoryRef = z.object({ name: VmName, id: HistoryEntry.shape.id });
export const RevertInput = HistoryRef.extend({ revision: z.string().min(1) });

export const GrowDiskInput = z.object({ name: VmName, disk: z.number().int().min(0).max(63), size: DiskSize });
export const GrowPlan = z.object({ commands: z.array(PlannedCommand), fromBytes: z.number(), toBytes: z.number() });

export const settingsApi = {
  getSettings: request(SettingsRef, SettingsView),
  /** The start plan and save commands for edited settings; runs and writes nothing. */
  previewSettings: request(PreviewSettingsInput, SettingsPreview),
  /** Refused with `conflict` when the file's revision is not the one quoted (it was edited meanwhile). */
  saveSettings: request(SaveSettingsInput, SaveResult),
  listSettingsHistory: request(SettingsRef, z.array(HistoryEntry)),
  /** From that version to the current file: what a revert would undo. */
  diffSettingsHistory: request(HistoryRef, ConfDiff),
  revertSettings: request(RevertInput, SaveResult),
  /** A MAC no guest of the datastore has, drawn as vm-bhyve 1.7.1 draws them; the form saves it. */
  newMacAddress: request(SettingsRef, z.object({ mac: z.string() })),
  /** The datastore's switches (vm-bhyve's switch_list), for a NIC's Switch field to offer. */
  listSwitches: request(z.object({}), z.array(SwitchChoice)),
  /** Moves the guest's UEFI variable store aside; the next start begins from the template. */
  resetUefiVars: request(SettingsRef, z.object({ movedTo: z.string() })),
  planGrowDisk: request(GrowDiskInput, GrowPlan),
  growDisk: request(GrowDiskInput, GrowPlan),
};
