// What the handbook's 24.6.10 puts in /etc/rc.conf and /etc/sysctl.conf, so the host is ready after a
// reboot too. rc.conf changes go through sysrc; sysctl.conf is staged and installed. Each fix shows its diff.

import { isBridge, isPhysical, physicalMembers, readIfconfig } from '../parse/ifconfig.js';
import { readShVars } from '../parse/sh-vars.js';
import { readSysctlConf, sysctlConfEdit } from '../parse/sysctl-conf.js';
import { type CheckDef, missing, ok, type Outcome, type SetupContext, type Step, unknown } from '../check.js';
import { configText, installStep, readRcConf, sysrcStep } from '../steps.js';

const area = 'persistence';
const words = (value: string | null | undefined) => (value ?? '').split(/\s+/).filter(Boolean);

const kldList: CheckDef = {
  id: 'persist-kld-list',
  area,
  title: 'Modules load at boot',
  explanation: 'kld_list="vmm nmdm" in /etc/rc.conf (or vmm_load/nmdm_load in /boot/loader.conf) loads bhyve\'s modules at every boot.',
  async run(ctx) {
    const rc = await readRcConf(ctx);
    if (!rc.ok) return rc.outcome;
    const loader = await configText(ctx, '/boot/loader.conf');
    if (!loader.ok) return loader.outcome;
    const kld = rc.get('kld_list');
    const loaderVars = readShVars(loader.text);
    const byLoader = (m: string) => loaderVars.ok && /^yes$/i.test(loaderVars.vars.get(`${m}_load`)?.value ?? '');
    const wanted = ['vmm', 'nmdm'];
    const absent = wanted.filter((m) => !words(kld.value).includes(m) && !byLoader(m));
    const evidence = [kld.line ?? 'rc.conf: kld_list is not set', ...wanted.filter(byLoader).map((m) => `/boot/loader.conf: ${m}_load="YES"`)];
    if (kld.value === null) return unknown('kld_list is set with an expansion Hivedesk does not evaluate.', evidence);
    if (absent.length === 0) return ok('vmm and nmdm load at boot.', evidence);
    const step = sysrcStep(ctx, kld.file, kld.text, 'kld_list', absent.join(' '), true);
    if ('problem' in step) return missing(`${absent.join(' and ')} do not load at boot.`, evidence, { manual: step.problem });
    return missing(`${absent.join(' and ')} do not load at boot.`, evidence, { fix: { steps: [step] } });
  },
};

/** The live bridge's NIC when there is one, else the NIC the user chose, else the first physical one. */
async function uplink(ctx: SetupContext): Promise<{ bridge: string; nic?: string; options: string[] }> {
  const run = ctx.host.run(['ifconfig']);
  const result = run && (await run);
  const read = result && result.exitCode === 0 ? readIfconfig(result.stdout) : undefined;
  if (!read?.ok) return { bridge: 'bridge0', ...(ctx.options.nic ? { nic: ctx.options.nic } : {}), options: [] };
  const nics = read.interfaces.filter(isPhysical).map((i) => i.name);
  for (const b of read.interfaces.filter(isBridge)) {
    const [member] = physicalMembers(b, read.interfaces);
    if (member) return { bridge: b.name, nic: member, options: nics };
  }
  const nic = ctx.options.nic && nics.includes(ctx.options.nic) ? ctx.options.nic : nics[0];
  return { bridge: 'bridge0', ...(nic ? { nic } : {}), options: nics };
}

/** rc.conf's cloned_interfaces and ifconfig_<bridge>: a bridge that comes back with a NIC after a reboot. */
export async function persistedBridge(ctx: SetupContext, checkArea: 'persistence' | 'xen'): Promise<Outcome> {
  const rc = await readRcConf(ctx);
  if (!rc.ok) return rc.outcome;
  const cloned = rc.get('cloned_interfaces');
  const evidence = [cloned.line ?? 'rc.conf: cloned_interfaces is not set'];
  for (const b of words(cloned.value).filter((w) => /^bridge\d+$/.test(w))) {
    const config = rc.get(`ifconfig_${b}`);
    evidence.push(config.line ?? `rc.conf: ifconfig_${b} is not set`);
    const members = [...(config.value ?? '').matchAll(/\baddm\s+(\S+)/g)].map((m) => m[1]);
    if (members.some((m) => m && !/^(tap|vmnet|epair)\d/.test(m))) return ok(`${b} is created at boot with ${members.join(', ')}.`, evidence);
  }
  if (cloned.value === null) return unknown('cloned_interfaces is set with an expansion Hivedesk does not evaluate.', evidence);
  const { bridge, nic, options } = await uplink(ctx);
  const summary = 'No bridge with a physical NIC is configured in rc.conf: after a reboot guests have no network.';
  if (!nic) return missing(summary, evidence, { manual: `Choose the physical NIC for ${bridge}${ctx.host.live ? '' : ' (run on the host itself, not under --root)'}.` });
  const steps: Step[] = [];
  const add = sysrcStep(ctx, cloned.file, cloned.text, 'cloned_interfaces', bridge, true);
  if ('problem' in add) return missing(summary, evidence, { manual: add.problem });
  steps.push(add);
  const current = rc.get(`ifconfig_${bridge}`);
  const base = current.file === add.change.path ? add.change.after : current.text;
  if (current.value === null) return unknown(`ifconfig_${bridge} is set with an expansion Hivedesk does not evaluate.`, evidence);
  const value = current.value ? `${current.value} addm ${nic}` : `addm ${nic} up`;
  const set = sysrcStep(ctx, current.file, base, `ifconfig_${bridge}`, value);
  if ('problem' in set) return missing(summary, evidence, { manual: set.problem });
  steps.push(set);
  const choice = options.length > 0 ? { choice: { name: 'nic' as const, label: `Physical NIC for ${bridge}`, options, value: nic } } : {};
  return missing(summary, evidence, { ...choice, fix: { steps, warnings: checkArea === 'xen' ? [] : [`At the next boot ${nic} joins ${bridge} before the host's network comes up.`] } });
}

const bridge: CheckDef = {
  id: 'persist-bridge',
  area,
  title: 'Bridge at boot',
  explanation: 'cloned_interfaces="bridge0" and ifconfig_bridge0="addm <nic> up" in /etc/rc.conf recreate the bridge with its physical NIC at every boot.',
  run: (ctx) => persistedBridge(ctx, 'persistence'),
};

/** A sysctl.conf line, as its own check: present, or staged and installed with the diff shown. */
export function sysctlConfCheck(def: Omit<CheckDef, 'run'>, oid: string, value: string): CheckDef {
  return {
    ...def,
    async run(ctx) {
      const text = await configText(ctx, '/etc/sysctl.conf');
      if (!text.ok) return text.outcome;
      const conf = readSysctlConf(text.text);
      if (!conf.ok) return unknown('Cannot read /etc/sysctl.conf.', [`/etc/sysctl.conf: ${conf.problem}`], { manual: 'Fix /etc/sysctl.conf by hand; Hivedesk does not edit a file it cannot read.' });
      const current = conf.values.get(oid);
      const evidence = [current ? `/etc/sysctl.conf: ${text.text.split('\n')[current.line] ?? ''}` : `/etc/sysctl.conf: no ${oid} line`];
      if (current?.value === value) return ok(`${oid}=${value} is set at boot.`, evidence);
      const edit = sysctlConfEdit(text.text, oid, value);
      if (!edit.ok) return missing(`${oid}=${value} is not set at boot.`, evidence, { manual: edit.problem });
      return missing(`${oid}=${value} is not set at boot.`, evidence, { fix: { steps: [await installStep(ctx, '/etc/sysctl.conf', text.text, edit.text)] } });
    },
  };
}

export const persistenceChecks: CheckDef[] = [
  kldList,
  bridge,
  sysctlConfCheck({ id: 'persist-tap-up-on-open', area, title: 'Taps up at boot', explanation: 'net.link.tap.up_on_open=1 in /etc/sysctl.conf keeps taps coming up when opened after a reboot.' }, 'net.link.tap.up_on_open', '1'),
];
