import type { PlanFile, PlannedCommand } from '../../../shared/api/vms.js';
import type { MacOwners } from '../../datastore/first-start.js';
import type { GuestConfig } from '../../datastore/guest-config.js';
import { keysNotApplied } from '../../datastore/key-catalog.js';
import { diskPath } from '../disks.js';
import { duplicateMacs } from '../preflight.js';
import { chooseVncPort, type VncFacts } from '../vnc-ports.js';
import { bhyveArgv, bhyvectlArgv, kldloadArgv } from './commands.js';
import {
  type BhyveRunContext,
  consolePorts,
  firmwareFor,
  isUefiLoader,
  loadsFromMedia,
  nullIsoPath,
  uefiVarsTemplate,
} from './guest-paths.js';
import { bhyveloadArgv, grubBhyveArgv, grubFiles } from './loaders.js';
import { type Cmd, type NetworkFacts, planNetwork } from './network.js';
import { virtConsoleSocket } from './pci-devices.js';
import { type BhyveSettings, privileged } from './settings.js';

/** What the host looks like right now; gathered by probe.ts so the planner stays pure. */
export interface HostFacts extends NetworkFacts, VncFacts {
  modules: { vmm: boolean; nmdm: boolean };
  /** Paths (firmware, disks, vars, null.iso) that exist. */
  existing: Set<string>;
  /** Why the install media cannot be booted (installMediaWarnings); empty when it can, or there is none. */
  mediaWarnings: string[];
  /** Every NIC MAC in the datastore. */
  macs: MacOwners;
}

/** One boot: the files written before it, the loader (non-UEFI guests), then bhyve. */
export interface BootStep {
  files: PlanFile[];
  loader?: PlannedCommand;
  bhyve: PlannedCommand;
}

/** One start of a guest, exactly as the supervisor runs it: setup once, a boot step per boot, teardown once. */
export interface BootPlan {
  setup: PlannedCommand[];
  first: BootStep;
  /** Each boot after the guest rebooted: the loaders boot the disk again, graphics_wait=auto stops waiting (vm-run's run 2+). */
  later: BootStep;
  destroy: PlannedCommand;
  teardown: PlannedCommand[];
  /** Serial port -> the nmdm side `cu` attaches to (vm-bhyve's `console` file). */
  consoles: Record<string, string>;
  /** `<listen>:<port>` of the framebuffer, for the `console` file's vnc= line. */
  vnc?: string;
  /** virtio-console sockets bhyve leaves behind, removed after each exit (vm-run: `rm vtcon.*`). */
  sockets: string[];
  warnings: string[];
  notes: string[];
}

export interface PlanInput {
  guest: GuestConfig;
  guestDir: string;
  datastoreDir: string;
  settings: BhyveSettings;
  facts: HostFacts;
}

/** Builds the plan; bad guest configuration throws a RangeError whose message says what to change. */
export function planBoot({ guest, guestDir, datastoreDir, settings, facts }: PlanInput): BootPlan {
  const uefi = isUefiLoader(guest.loader);
  const c: Cmd = (argv, why) => ({ argv: privileged(settings, argv), why });
  const network = planNetwork(guest, facts, c);
  const vnc = vncPort(guest, uefi, facts);
  const ctx: BhyveRunContext = {
    guestDir,
    installing: guest.installMedia !== undefined,
    taps: network.taps,
    acpiFlag: true,
    nullIso: nullIsoPath(datastoreDir),
    ...(settings.zfsDataset ? { zvolDataset: `${settings.zfsDataset}/${guest.name}` } : {}),
    ...(uefi ? { firmware: firmwareFor(guest.loader, settings.paths, datastoreDir) } : {}),
    ...(uefi && guest.uefiVars ? { varsFile: `${guestDir}/uefi-vars.fd` } : {}),
    ...(vnc.port !== undefined ? { graphicsPort: vnc.port } : {}),
  };
  return {
    setup: [...moduleSetup(facts, c), ...network.setup, ...varsSetup(guest, ctx, settings, facts)],
    first: bootStep(guest, ctx, settings, c),
    later: bootStep(guest, { ...ctx, rebooted: true }, settings, c),
    destroy: c(bhyvectlArgv('destroy', guest.name), 'free the VM instance after each exit'),
    teardown: network.teardown,
    consoles: Object.fromEntries(consolePorts(guest, settings.paths).map((p) => [p.port, p.userSide])),
    ...(vnc.port !== undefined && guest.graphics ? { vnc: `${guest.graphics.listen}:${vnc.port}` } : {}),
    sockets: guest.virtConsoles.map((port) => virtConsoleSocket(ctx, port)),
    warnings: [...preflight(guest, ctx, uefi, settings, facts), ...network.warnings, ...vnc.warnings, ...duplicateMacs(guest, facts.macs)],
    notes: [...network.notes, ...keysNotApplied(guest.keys, 'bhyve')],
  };
}

/** Every command of a plan in the order a start runs them; the boot after a reboot only when it differs. */
export function planCommands(plan: BootPlan): PlannedCommand[] {
  const step = (s: BootStep) => [...(s.loader ? [s.loader] : []), s.bhyve, plan.destroy];
  return [...plan.setup, ...step(plan.first), ...(rebootDiffers(plan) ? step(plan.later) : []), ...plan.teardown];
}

/** The files a start writes, each content once. */
export function planFiles(plan: BootPlan): PlanFile[] {
  const first = new Set(plan.first.files.map((f) => `${f.path}\n${f.content}`));
  return [...plan.first.files, ...plan.later.files.filter((f) => !first.has(`${f.path}\n${f.content}`)).map((f) => ({ ...f, why: `after a reboot: ${f.why}` }))];
}

function rebootDiffers(plan: BootPlan): boolean {
  const argv = (s: BootStep) => JSON.stringify([s.loader?.argv, s.bhyve.argv]);
  return argv(plan.first) !== argv(plan.later);
}

function bootStep(guest: GuestConfig, ctx: BhyveRunContext, settings: BhyveSettings, c: Cmd): BootStep {
  const after = ctx.rebooted ? 'after a reboot, ' : '';
  const from = loadsFromMedia(ctx) ? `from ${guest.installMedia}` : 'from disk0';
  const media = ctx.installing ? ` with ${guest.installMedia} attached` : '';
  return {
    files: guest.loader === 'grub' ? grubFiles(guest, ctx, settings.paths) : [],
    ...loaderStep(guest, ctx, settings, c, `${after}load ${from}`),
    bhyve: c(bhyveArgv(guest, ctx, settings.paths), `${after}boot ${guest.name}${media}`),
  };
}

function loaderStep(guest: GuestConfig, ctx: BhyveRunContext, settings: BhyveSettings, c: Cmd, why: string): { loader?: PlannedCommand } {
  if (guest.loader === 'bhyveload') return { loader: c(bhyveloadArgv(guest, ctx, settings.paths), `${why}: the FreeBSD kernel`) };
  if (guest.loader === 'grub') return { loader: c(grubBhyveArgv(guest, ctx, settings.paths), `${why} with grub`) };
  if (isUefiLoader(guest.loader)) return {};
  throw new RangeError(`unknown loader "${guest.loader}": use bhyveload, grub, uefi or uefi-csm`);
}

function moduleSetup(facts: HostFacts, c: Cmd): PlannedCommand[] {
  return (['vmm', 'nmdm'] as const).filter((m) => !facts.modules[m]).map((m) => c(kldloadArgv(m), `load the ${m} kernel module`));
}

/** Each guest gets its own copy of the variables template, once (bhyve writes into it). */
function varsSetup(guest: GuestConfig, ctx: BhyveRunContext, settings: BhyveSettings, facts: HostFacts): PlannedCommand[] {
  if (!ctx.varsFile || facts.existing.has(ctx.varsFile)) return [];
  return [{ argv: ['cp', uefiVarsTemplate(settings.paths), ctx.varsFile], why: `${guest.name}'s own UEFI variables` }];
}

/** graphics_port, or a free port (see chooseVncPort); only a UEFI guest with graphics has a framebuffer. */
function vncPort(guest: GuestConfig, uefi: boolean, facts: HostFacts): { port?: number; warnings: string[] } {
  return guest.graphics && uefi ? chooseVncPort(guest.name, guest.graphics.port, facts) : { warnings: [] };
}

/** What would make a start fail: a plan shows these, a start refuses them. */
function preflight(guest: GuestConfig, ctx: BhyveRunContext, uefi: boolean, settings: BhyveSettings, facts: HostFacts): string[] {
  const missing = (path: string | undefined, what: string, fix: string) => (path && !facts.existing.has(path) ? [`${what} ${path} does not exist: ${fix}.`] : []);
  return [
    ...(guest.graphics && !uefi
      ? [`graphics (VNC) needs a UEFI loader: ${guest.name} uses loader "${guest.loader}"; switch it to "uefi" in Settings → Boot & firmware or turn graphics off in Settings → Display.`]
      : []),
    ...missing(ctx.firmware, `the UEFI firmware${guest.loader === 'uefi-csm' ? ' (CSM)' : ''}`, 'install the edk2-bhyve package or pick another loader'),
    ...(ctx.varsFile && !facts.existing.has(ctx.varsFile)
      ? missing(uefiVarsTemplate(settings.paths), 'the UEFI variables template', 'install the edk2-bhyve package, or turn UEFI variables (uefi_vars) off')
      : []),
    ...(ctx.installing ? facts.mediaWarnings : []),
    ...(guest.nullIso && guest.loader === 'uefi' ? missing(ctx.nullIso, "nulliso_fix's empty CD", 'put an empty ISO there, or turn nulliso_fix off') : []),
    ...guest.disks.flatMap((disk, i) =>
      disk.dev === 'file' || disk.dev === 'custom' ? missing(diskPath(guest, i, ctx, settings.paths.devDir), `disk${i}`, `create it, or point disk${i}_name at the disk in Settings → Disks`) : [],
    ),
  ];
}
