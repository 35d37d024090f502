// FreeBSD as a Xen Dom0, as the handbook's 24.7.1 and 24.7.2 prepare it.

import { readCpu } from '../parse/dmesg.js';
import { loginCapabilityEdit, readLoginCapability } from '../parse/login-conf.js';
import { readShVars } from '../parse/sh-vars.js';
import { readTtys, ttysEdit } from '../parse/ttys.js';
import { type CheckDef, missing, ok, type SetupContext, type Step, unknown } from '../check.js';
import { asRoot, configText, installStep, liveSysctl, sysrcStep } from '../steps.js';
import { packageCheck, yesCheck } from './common.js';
import { persistedBridge, sysctlConfCheck } from './persistence.js';

const area = 'xen';

/** The Dom0 cmdline the handbook gives, sized to this host (a quarter of its memory, up to 8 GiB; up to 4 vCPUs). */
async function dom0Cmdline(ctx: SetupContext): Promise<{ cmdline: string; warning?: string }> {
  const [mem, cpus] = await Promise.all([liveSysctl(ctx, 'hw.physmem'), liveSysctl(ctx, 'hw.ncpu')]);
  const bytes = 'value' in mem ? Number(mem.value) : NaN;
  const ncpu = 'value' in cpus ? Number(cpus.value) : NaN;
  const sized = Number.isFinite(bytes) && Number.isFinite(ncpu) && bytes > 0 && ncpu > 0;
  const memory = sized ? Math.max(1024, Math.min(8192, Math.floor(bytes / 4 / 2 ** 20 / 256) * 256)) : 8192;
  const vcpus = sized ? Math.min(4, ncpu) : 4;
  const cmdline = `dom0_mem=${memory}M dom0_max_vcpus=${vcpus} dom0=pvh console=com1,vga com1=115200,8n1 guest_loglvl=all loglvl=all`;
  return sized ? { cmdline } : { cmdline, warning: 'The host\'s memory and CPU count could not be read: the handbook\'s 8192M and 4 vCPUs are used; check they fit this machine.' };
}

const loaderConf: CheckDef = {
  id: 'xen-loader-conf',
  area,
  title: 'Xen boot settings',
  explanation: 'xen_kernel and xen_cmdline in /boot/loader.conf boot Xen with Dom0\'s memory, vCPUs, PVH mode and console (if_tap_load for DomU networking).',
  async run(ctx) {
    const text = await configText(ctx, '/boot/loader.conf');
    if (!text.ok) return text.outcome;
    const vars = readShVars(text.text);
    if (!vars.ok) return unknown('Cannot read /boot/loader.conf.', [`/boot/loader.conf: ${vars.problem}`]);
    const kernel = vars.vars.get('xen_kernel')?.value;
    const cmdline = vars.vars.get('xen_cmdline')?.value;
    const tap = vars.vars.get('if_tap_load')?.value;
    const needed = ['dom0_mem=', 'dom0_max_vcpus=', 'dom0=pvh', 'console='];
    const lacking = needed.filter((n) => !(cmdline ?? '').split(/\s+/).some((w) => w.startsWith(n)));
    const evidence = [`xen_kernel=${kernel ?? '(not set)'}`, `xen_cmdline=${cmdline ?? '(not set)'}`, `if_tap_load=${tap ?? '(not set)'}`];
    if (kernel === '/boot/xen' && lacking.length === 0 && /^yes$/i.test(tap ?? '')) return ok('Xen boots as Dom0 with the settings the handbook gives.', evidence);
    const sized = await dom0Cmdline(ctx);
    const wanted = cmdline ? `${cmdline} ${sized.cmdline.split(' ').filter((w) => lacking.some((n) => w.startsWith(n))).join(' ')}` : sized.cmdline;
    const steps: Step[] = [];
    let base = text.text;
    for (const [name, value] of [['if_tap_load', 'YES'], ['xen_kernel', '/boot/xen'], ['xen_cmdline', wanted]] as const) {
      if ((name === 'xen_cmdline' && lacking.length === 0) || (name !== 'xen_cmdline' && vars.vars.get(name)?.value === value)) continue;
      const step = sysrcStep(ctx, '/boot/loader.conf', base, name, value);
      if ('problem' in step) return missing('Xen is not set up to boot.', evidence, { manual: step.problem });
      base = step.change.after;
      steps.push(step);
    }
    return missing('Xen is not set up to boot.', evidence, { fix: { steps, warnings: [...(sized.warning ? [sized.warning] : []), 'Xen starts at the next boot; until then this host runs FreeBSD alone.'] } });
  },
};

const loginConf: CheckDef = {
  id: 'xen-login-conf',
  area,
  title: 'Unlimited locked memory',
  explanation: 'memorylocked=unlimited in the default class of /etc/login.conf (then cap_mkdb) keeps DomU creation from failing with "Cannot allocate memory".',
  async run(ctx) {
    const text = await configText(ctx, '/etc/login.conf', true);
    if (!text.ok) return text.outcome;
    const current = readLoginCapability(text.text, 'default', 'memorylocked');
    if (!current.ok) return unknown('Cannot read the default class of /etc/login.conf.', [`/etc/login.conf: ${current.problem}`], { manual: 'Fix /etc/login.conf by hand; Hivedesk does not edit a file it cannot read.' });
    const evidence = [current.line === undefined ? '/etc/login.conf: the default class sets no memorylocked' : `/etc/login.conf: ${text.text.split('\n')[current.line]?.trim() ?? ''}`];
    if (current.value === 'unlimited' || current.value === 'infinity') return ok('The default class may lock unlimited memory.', evidence);
    const edit = loginCapabilityEdit(text.text, 'default', 'memorylocked', 'unlimited');
    if (!edit.ok) return missing('Locked memory is limited.', evidence, { manual: edit.problem });
    return missing(`Locked memory is limited to ${current.value ?? 'the default'}.`, evidence, {
      fix: { steps: [await installStep(ctx, '/etc/login.conf', text.text, edit.text), { argv: asRoot(ctx, ['cap_mkdb', ctx.host.target('/etc/login.conf')]) }] },
    });
  },
};

const XC0 = 'xc0\t"/usr/libexec/getty Pc"\t\txterm\tonifconsole\tsecure';

const console: CheckDef = {
  id: 'xen-console',
  area,
  title: 'Xen console login',
  explanation: 'The xc0 line in /etc/ttys gives a login prompt on Xen\'s console.',
  async run(ctx) {
    const text = await configText(ctx, '/etc/ttys', true);
    if (!text.ok) return text.outcome;
    const ttys = readTtys(text.text);
    if (!ttys.ok) return unknown('Cannot read /etc/ttys.', [`/etc/ttys: ${ttys.problem}`]);
    const xc0 = ttys.ttys.find((t) => t.name === 'xc0');
    const evidence = [xc0 ? `/etc/ttys: ${text.text.split('\n')[xc0.line] ?? ''}` : '/etc/ttys: no xc0 line'];
    if (xc0 && /^on/.test(xc0.status ?? '')) return ok('xc0 has a getty.', evidence);
    const edit = ttysEdit(text.text, XC0);
    if (!edit.ok) return missing('No login on the Xen console.', evidence, { manual: edit.problem });
    return missing('No login on the Xen console.', evidence, { fix: { steps: [await installStep(ctx, '/etc/ttys', text.text, edit.text)] } });
  },
};

const hardware: CheckDef = {
  id: 'xen-cpu',
  area,
  title: 'EPT and IOMMU',
  explanation: 'Xen\'s HVM guests need EPT (or AMD nested paging) and an IOMMU (Intel VT-d / AMD-Vi), as the boot messages show.',
  async run(ctx) {
    const read = await ctx.host.read('/var/run/dmesg.boot');
    if (read.kind !== 'text') return unknown('Cannot read /var/run/dmesg.boot.', [read.kind === 'missing' ? '/var/run/dmesg.boot does not exist.' : read.message]);
    const cpu = readCpu(read.text);
    const iommu = read.text.split('\n').filter((l) => /^(dmar\d+|amdiommu\d+|AMD-Vi):|ACPI: (DMAR|IVRS) /.test(l)).slice(0, 3);
    const evidence = [...cpu.evidence, ...(iommu.length ? iommu : ['no DMAR/IVRS table or IOMMU driver in the boot messages'])];
    const paging = cpu.verdict === 'ok' || cpu.verdict === 'single-vcpu-only';
    if (cpu.verdict === 'unknown') return unknown(cpu.reason, evidence);
    if (!paging) return missing(`No EPT or nested paging: ${cpu.reason}`, evidence, { manual: 'Xen HVM guests cannot run on this CPU as it is set up.' });
    if (iommu.length === 0) return unknown('EPT is there; the boot messages do not say whether there is an IOMMU (a verbose boot lists the ACPI DMAR or IVRS table).', evidence);
    return ok('EPT and an IOMMU are there.', evidence);
  },
};

const biosBoot: CheckDef = {
  id: 'xen-bios-boot',
  area,
  title: 'Booted through legacy BIOS',
  explanation: 'A FreeBSD Dom0 must boot through the legacy BIOS, not UEFI.',
  async run(ctx) {
    const method = await liveSysctl(ctx, 'machdep.bootmethod');
    if ('outcome' in method) return method.outcome;
    if (method.value === 'BIOS') return ok('This host booted through the BIOS.', [method.evidence]);
    if (method.value === 'UEFI') return missing('This host booted through UEFI.', [method.evidence], { manual: 'Switch the firmware to legacy (CSM) boot, with a BIOS boot partition and boot code on the disk.' });
    return unknown('Cannot tell how this host booted.', [method.evidence]);
  },
};

export const xenChecks: CheckDef[] = [
  packageCheck({ id: 'xen-packages', area, title: 'Xen kernel and tools', explanation: 'The Xen hypervisor (/boot/xen, package xen-kernel) and its tools (xl, package xen-tools) must be installed.' }, ['/boot/xen', '/usr/local/sbin/xl'], ['xen-kernel', 'xen-tools'], 'Xen'),
  hardware,
  biosBoot,
  loaderConf,
  sysctlConfCheck({ id: 'xen-max-wired', area, title: 'Unlimited wired memory', explanation: 'vm.max_wired=-1 in /etc/sysctl.conf lifts the limit on wired pages, so DomUs with much memory can start.' }, 'vm.max_wired', '-1'),
  loginConf,
  console,
  yesCheck({ id: 'xen-xencommons', area, title: 'xencommons at boot', explanation: 'xencommons_enable="YES" in /etc/rc.conf starts Xen\'s daemons (xenstored, xenconsoled) in Dom0.' }, '/etc/rc.conf', 'xencommons_enable', {
    on: 'xencommons starts at boot.',
    off: 'xencommons does not start at boot.',
  }),
  { id: 'xen-bridge', area, title: 'Bridge for DomUs', explanation: 'DomUs join a bridge with the host\'s NIC: cloned_interfaces="bridge0" and ifconfig_bridge0="addm <nic> ..." in /etc/rc.conf.', run: (ctx) => persistedBridge(ctx, 'xen') },
];
