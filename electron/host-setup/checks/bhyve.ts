// bhyve host preparation, as the handbook's 24.6.1 and 24.6.4 describe it, checked on the running host.

import { join } from 'node:path';
import { readCpu } from '../parse/dmesg.js';
import { isBridge, isPhysical, type NetInterface, physicalMembers, readIfconfig } from '../parse/ifconfig.js';
import { type CheckDef, missing, needsLiveHost, ok, type Outcome, type SetupContext, unknown } from '../check.js';
import { asRoot, liveSysctl, moduleCheck, pkgInstall } from '../steps.js';
import { consoleCheck } from './console.js';

const area = 'bhyve';

const cpu: CheckDef = {
  id: 'bhyve-cpu',
  area,
  title: 'CPU virtualisation',
  explanation: 'bhyve needs VT-x with EPT (and unrestricted guest for Linux, UEFI or multi-vCPU guests) or AMD-V with nested paging, as the kernel lists them in /var/run/dmesg.boot.',
  async run(ctx) {
    const read = await ctx.host.read('/var/run/dmesg.boot');
    if (read.kind !== 'text') return unknown('Cannot read /var/run/dmesg.boot.', [read.kind === 'missing' ? '/var/run/dmesg.boot does not exist.' : read.message], { verdict: 'unknown' });
    const cpu = readCpu(read.text);
    const status = cpu.verdict === 'ok' ? 'ok' : cpu.verdict === 'unknown' ? 'unknown' : 'missing';
    const manual =
      cpu.verdict === 'disabled-in-bios' ? 'Turn on VT-x / AMD-V (SVM) in the firmware setup, or on the hypervisor this FreeBSD runs under, then reboot.'
      : cpu.verdict === 'single-vcpu-only' ? 'Give FreeBSD guests one vCPU and the bhyveload loader, or move to a CPU with unrestricted guest (Westmere or later).'
      : cpu.verdict === 'unsupported' ? 'Run guests on another machine, or enable nested virtualisation on the hypervisor this FreeBSD runs under.'
      : undefined;
    return { status, summary: cpu.reason, evidence: cpu.evidence, verdict: cpu.verdict, ...(manual ? { manual } : {}) };
  },
};

const tapUpOnOpen: CheckDef = {
  id: 'bhyve-tap-up-on-open',
  area,
  title: 'Taps come up when opened',
  explanation: 'With net.link.tap.up_on_open=1 a guest\'s tap interface is up as soon as bhyve opens it, so its network works without another ifconfig.',
  async run(ctx) {
    const value = await liveSysctl(ctx, 'net.link.tap.up_on_open');
    if ('outcome' in value) return value.outcome;
    const fix = { steps: [{ argv: asRoot(ctx, ['sysctl', 'net.link.tap.up_on_open=1']) }] };
    if (value.value === '1') return ok('net.link.tap.up_on_open is 1.', [value.evidence]);
    if (value.value === '0') return missing('net.link.tap.up_on_open is 0.', [value.evidence], { fix });
    if (value.absent) return missing('The kernel has no net.link.tap.up_on_open: if_tuntap is not loaded.', [value.evidence], { fix: { steps: [{ argv: asRoot(ctx, ['kldload', 'if_tuntap']) }, ...fix.steps] } });
    return unknown('Cannot read net.link.tap.up_on_open.', [value.evidence]);
  },
};

/** The bridge Hivedesk's guests join when their switch names none (the handbook's bridge0). */
const BRIDGE = 'bridge0';

const bridge: CheckDef = {
  id: 'bhyve-bridge',
  area,
  title: 'A bridge to the network',
  explanation: 'Guests reach the network through a bridge (bridge0) that holds one of the host\'s physical NICs and the guests\' taps.',
  async run(ctx) {
    const run = ctx.host.run(['ifconfig']);
    if (!run) return needsLiveHost('ifconfig');
    const result = await run;
    const read = result.exitCode === 0 ? readIfconfig(result.stdout) : { ok: false as const, problem: `ifconfig: exit ${result.exitCode}: ${result.stderr.trim()}` };
    if (!read.ok) return unknown('Cannot read the interfaces.', [read.problem]);
    const bridges = read.interfaces.filter(isBridge);
    const linked = bridges.find((b) => physicalMembers(b, read.interfaces).length > 0);
    if (linked) return ok(`${linked.name} bridges ${physicalMembers(linked, read.interfaces).join(', ')} to the guests.`, [linked.header, ...physicalMembers(linked, read.interfaces).map((m) => `member: ${m}`)]);
    return bridgeFix(ctx, read.interfaces, bridges);
  },
};

function bridgeFix(ctx: SetupContext, interfaces: NetInterface[], bridges: NetInterface[]): Outcome {
  const evidence = bridges.length > 0 ? bridges.map((b) => `${b.header} (members: ${b.members.join(', ') || 'none'})`) : ['ifconfig lists no bridge.'];
  // An up NIC with a carrier first: the one the host most likely reaches its network through.
  const nics = interfaces.filter(isPhysical).sort((a, b) => Number(b.status === 'active') - Number(a.status === 'active'));
  const summary = bridges.length > 0 ? 'No bridge holds a physical NIC: guests can reach only this host.' : 'There is no bridge: guests have no network.';
  const first = nics[0];
  if (!first) return missing(summary, evidence, { manual: 'ifconfig shows no physical NIC to bridge; add one to a bridge by hand.' });
  const nic = ctx.options.nic && nics.some((n) => n.name === ctx.options.nic) ? ctx.options.nic : first.name;
  const create = bridges.some((b) => b.name === BRIDGE) ? [] : [{ argv: asRoot(ctx, ['ifconfig', BRIDGE, 'create']) }];
  return missing(summary, evidence, {
    choice: { name: 'nic', label: 'Physical NIC to bridge', options: nics.map((n) => n.name), value: nic },
    fix: {
      steps: [...create, { argv: asRoot(ctx, ['ifconfig', BRIDGE, 'addm', nic, 'up']) }],
      warnings: [`The host's own link on ${nic} may drop for a few seconds while ${BRIDGE} comes up: on a remote host, keep a console at hand.`],
    },
  });
}

const firmware: CheckDef = {
  id: 'bhyve-uefi-firmware',
  area,
  title: 'UEFI firmware',
  explanation: 'UEFI guests (Linux, Windows, most installers) boot bhyve\'s edk2 firmware, BHYVE_UEFI.fd, and start from a copy of BHYVE_UEFI_VARS.fd (package edk2-bhyve).',
  async run(ctx) {
    const files = ['BHYVE_UEFI.fd', 'BHYVE_UEFI_VARS.fd'].map((f) => join(ctx.firmwareDir, f));
    const found = await Promise.all(files.map((f) => ctx.host.existsAt(f)));
    const csm = await ctx.host.existsAt(join(ctx.firmwareDir, 'BHYVE_UEFI_CSM.fd'));
    const evidence = [
      ...files.map((f, i) => `${f}: ${found[i] ? 'present' : 'missing'}`),
      `${join(ctx.firmwareDir, 'BHYVE_UEFI_CSM.fd')}: ${csm ? 'present (the uefi-csm loader can use it)' : 'not installed (removed from ports in 2024; needed only by uefi-csm guests)'}`,
    ];
    if (found.every(Boolean)) return ok('The edk2 firmware and its variables template are installed.', evidence);
    return missing('The UEFI firmware is not installed: UEFI guests cannot start.', evidence, { fix: { steps: [pkgInstall(ctx, 'edk2-bhyve')] } });
  },
};

const grub: CheckDef = {
  id: 'bhyve-grub2',
  area,
  title: 'grub-bhyve',
  explanation: 'Guests with loader="grub" (older Linux setups of vm-bhyve) are loaded by grub-bhyve from the grub2-bhyve package.',
  async run(ctx) {
    const path = '/usr/local/sbin/grub-bhyve';
    const present = await ctx.host.exists(path);
    const users = (await ctx.guestLoaders()).filter((l) => l === 'grub').length;
    const evidence = [`${path}: ${present ? 'present' : 'missing'}`, `guests with loader="grub": ${users}`];
    if (present) return ok('grub-bhyve is installed.', evidence);
    if (users === 0) return ok('grub-bhyve is not installed, and no guest needs it.', evidence);
    return missing(`${users} guest(s) boot with grub, but grub-bhyve is not installed.`, evidence, { fix: { steps: [pkgInstall(ctx, 'grub2-bhyve')] } });
  },
};

export const bhyveChecks: CheckDef[] = [
  cpu,
  moduleCheck({ id: 'bhyve-vmm', area, title: 'vmm kernel module', explanation: 'bhyve runs guests through the vmm kernel module (kldload vmm).' }, 'vmm'),
  moduleCheck({ id: 'bhyve-nmdm', area, title: 'nmdm kernel module', explanation: 'Guest consoles are null-modem pairs (/dev/nmdm*), which need the nmdm kernel module.' }, 'nmdm'),
  moduleCheck({ id: 'bhyve-if-bridge', area, title: 'if_bridge kernel module', explanation: 'Bridges that connect guests to the network come from the if_bridge module (ifconfig bridge create loads it too).' }, 'if_bridge'),
  moduleCheck({ id: 'bhyve-if-tuntap', area, title: 'if_tuntap kernel module', explanation: 'Each guest NIC is a tap interface from the if_tuntap module (in GENERIC since FreeBSD 13).' }, 'if_tuntap'),
  tapUpOnOpen,
  bridge,
  firmware,
  grub,
  consoleCheck,
];

