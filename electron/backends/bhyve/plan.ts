import type { PlannedCommand } from '../../../shared/api/vms.js';
import { type ConfDocument, getValue } from '../../datastore/conf.js';
import type { GuestConfig } from '../../datastore/guest-config.js';
import {
  type BhyveRunContext,
  bhyveArgv,
  bhyvectlArgv,
  bhyveloadArgv,
  bridgeAddMembersArgv,
  bridgeCreateArgv,
  consolePorts,
  deviceMap,
  diskPath,
  firmwareFor,
  grubBhyveArgv,
  interfaceDestroyArgv,
  isUefiLoader,
  kldloadArgv,
  tapCreateArgv,
  tapUpOnOpenArgv,
  uefiVarsTemplate,
} from './commands.js';
import { type BhyveSettings, privileged } from './settings.js';

/** What the host looks like right now; gathered by probe.ts so the planner stays pure. */
export interface HostFacts {
  interfaces: string[];
  tapUpOnOpen: boolean;
  modules: { vmm: boolean; nmdm: boolean };
  /** Paths (firmware, ISO, disks, vars) that exist. */
  existing: Set<string>;
  /** vm-bhyve's `.config/system.conf`, for a switch's bridge (`bridge_<sw>`) and ports (`ports_<sw>`). */
  systemConf?: ConfDocument;
}

/** One start of a guest, exactly as the supervisor runs it: setup once, loader + bhyve per boot, teardown once. */
export interface BootPlan {
  setup: PlannedCommand[];
  loader?: PlannedCommand;
  bhyve: PlannedCommand;
  destroy: PlannedCommand;
  teardown: PlannedCommand[];
  /** grub-bhyve's device.map, written by Hivedesk before each boot. */
  deviceMap?: { path: string; text: string };
  /** Serial port -> the nmdm side `cu` attaches to (vm-bhyve's `console` file). */
  consoles: Record<string, string>;
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

const cmd = (settings: BhyveSettings, argv: string[], why: string): PlannedCommand => ({ argv: privileged(settings, argv), why });

/** Builds the plan; bad guest configuration throws a RangeError whose message says what to change. */
export function planBoot({ guest, guestDir, datastoreDir, settings, facts }: PlanInput): BootPlan {
  const installing = guest.installMedia !== undefined;
  const taps = chooseTaps(guest, facts.interfaces);
  const uefi = isUefiLoader(guest.loader);
  const ctx: BhyveRunContext = {
    guestDir,
    installing,
    taps,
    acpiFlag: true,
    ...(settings.zfsDataset ? { zvolDataset: `${settings.zfsDataset}/${guest.name}` } : {}),
    ...(uefi ? { firmware: firmwareFor(guest.loader, settings.paths, datastoreDir) } : {}),
    ...(uefi && guest.uefiVars ? { varsFile: `${guestDir}/uefi-vars.fd` } : {}),
    ...(guest.graphics && guest.graphics.port === undefined ? { graphicsPort: 5900 } : {}),
  };
  const c = (argv: string[], why: string) => cmd(settings, argv, why);
  const deviceMapPath = `${guestDir}/device.map`;
  return {
    setup: [...moduleSetup(facts, c), ...networkSetup(guest, taps, facts, c), ...varsSetup(guest, ctx, settings, facts)],
    ...loaderStep(guest, ctx, settings, deviceMapPath, c),
    bhyve: c(bhyveArgv(guest, ctx, settings.paths), `boot ${guest.name}${installing ? ` from ${guest.installMedia}` : ''}`),
    destroy: c(bhyvectlArgv('destroy', guest.name), 'free the VM instance after each exit'),
    teardown: guest.networks.flatMap((nic, i) => (nic.device || !taps[i] ? [] : [c(interfaceDestroyArgv(taps[i]), `remove ${taps[i]}`)])),
    ...(guest.loader === 'grub' ? { deviceMap: { path: deviceMapPath, text: deviceMap(guest, ctx) } } : {}),
    consoles: Object.fromEntries(consolePorts(guest, settings.paths).map((p) => [p.port, p.userSide])),
    warnings: preflight(guest, ctx, settings, facts),
    notes: networkNotes(guest, facts),
  };
}

/** Every command of a plan in the order a start runs them (the loader and bhyve once per boot). */
export function planCommands(plan: BootPlan): PlannedCommand[] {
  return [...plan.setup, ...(plan.loader ? [plan.loader] : []), plan.bhyve, plan.destroy, ...plan.teardown];
}

/** A NIC's own tap (networkN_device) or the lowest free tapN, as `ifconfig tap create` would pick. */
function chooseTaps(guest: GuestConfig, interfaces: string[]): string[] {
  const taken = new Set(interfaces);
  let next = 0;
  return guest.networks.map((nic) => {
    if (nic.device) return nic.device;
    while (taken.has(`tap${next}`)) next += 1;
    taken.add(`tap${next}`);
    return `tap${next}`;
  });
}

type Cmd = (argv: string[], why: string) => PlannedCommand;

function moduleSetup(facts: HostFacts, c: Cmd): PlannedCommand[] {
  return (['vmm', 'nmdm'] as const).filter((m) => !facts.modules[m]).map((m) => c(kldloadArgv(m), `load the ${m} kernel module`));
}

/** A switch is a bridge: vm-bhyve's `bridge_<switch>` in system.conf, else the handbook's bridge0. */
function networkSetup(guest: GuestConfig, taps: string[], facts: HostFacts, c: Cmd): PlannedCommand[] {
  const commands: PlannedCommand[] = [];
  const interfaces = new Set(facts.interfaces);
  if (guest.networks.some((nic) => !nic.device) && !facts.tapUpOnOpen) commands.push(c(tapUpOnOpenArgv(), 'bring taps up when bhyve opens them'));
  guest.networks.forEach((nic, i) => {
    const tap = taps[i] as string;
    if (nic.device) return;
    commands.push(c(tapCreateArgv(tap), `network${i}'s tap`));
    if (!nic.switch) return;
    const bridge = (facts.systemConf && getValue(facts.systemConf, `bridge_${nic.switch}`)) || 'bridge0';
    const ports = ((facts.systemConf && getValue(facts.systemConf, `ports_${nic.switch}`)) ?? '').split(/\s+/).filter(Boolean);
    const members = interfaces.has(bridge) ? [tap] : [...ports, tap];
    if (!interfaces.has(bridge)) commands.push(c(bridgeCreateArgv(bridge), `switch ${nic.switch}`));
    interfaces.add(bridge);
    commands.push(c(bridgeAddMembersArgv(bridge, members), `connect ${tap} to switch ${nic.switch}`));
  });
  return commands;
}

/** Each guest gets its own copy of the variables template, once (bhyve writes into it). */
function varsSetup(guest: GuestConfig, ctx: BhyveRunContext, settings: BhyveSettings, facts: HostFacts): PlannedCommand[] {
  if (!ctx.varsFile || facts.existing.has(ctx.varsFile)) return [];
  return [{ argv: ['cp', uefiVarsTemplate(settings.paths), ctx.varsFile], why: `${guest.name}'s own UEFI variables` }];
}

function loaderStep(guest: GuestConfig, ctx: BhyveRunContext, settings: BhyveSettings, deviceMapPath: string, c: Cmd): { loader?: PlannedCommand } {
  if (guest.loader === 'bhyveload') return { loader: c(bhyveloadArgv(guest, ctx, settings.paths), 'load the FreeBSD kernel') };
  if (guest.loader === 'grub') return { loader: c(grubBhyveArgv(guest, ctx, settings.paths, deviceMapPath), 'load the Linux kernel with grub') };
  if (isUefiLoader(guest.loader)) return {};
  throw new RangeError(`unknown loader "${guest.loader}": use bhyveload, grub, uefi or uefi-csm`);
}

/** What would make a start fail: a plan shows these, a start refuses them. */
function preflight(guest: GuestConfig, ctx: BhyveRunContext, settings: BhyveSettings, facts: HostFacts): string[] {
  const missing = (path: string | undefined, what: string) => (path && !facts.existing.has(path) ? [`${what} ${path} does not exist`] : []);
  return [
    ...missing(ctx.firmware, `the UEFI firmware${guest.loader === 'uefi-csm' ? ' (CSM)' : ''}`).map((w) => `${w}: install the edk2-bhyve package or pick another loader.`),
    ...(ctx.varsFile && !facts.existing.has(ctx.varsFile) ? missing(uefiVarsTemplate(settings.paths), 'the UEFI variables template') : []),
    ...(ctx.installing ? missing(guest.installMedia, 'the install media').map((w) => `${w}: choose another ISO.`) : []),
    ...guest.disks.flatMap((disk, i) => (disk.dev === 'file' || disk.dev === 'custom' ? missing(diskPath(guest, i, ctx, settings.paths), `disk${i}`) : [])),
  ];
}

/** A switch without a host NIC still starts, but its guests reach only the host: say so. */
function networkNotes(guest: GuestConfig, facts: HostFacts): string[] {
  const switches = new Set(guest.networks.filter((nic) => nic.switch && !nic.device).map((nic) => nic.switch));
  return [...switches]
    .filter((sw) => !(facts.systemConf && getValue(facts.systemConf, `ports_${sw}`)))
    .map((sw) => `Switch "${sw}" has no host NIC (ports_${sw} in .config/system.conf), so ${guest.name} can reach only this host.`);
}
