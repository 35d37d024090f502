import { readFile, stat } from 'node:fs/promises';
import { parseConf } from '../../datastore/conf.js';
import type { GuestConfig } from '../../datastore/guest-config.js';
import type { HostRunner } from '../../host/run.js';
import { diskPath, firmwareFor, uefiVarsTemplate } from './commands.js';
import type { HostFacts } from './plan.js';
import type { BhyveSettings } from './settings.js';

/**
 * Reads the host state a plan depends on, with read-only commands that need no root. On a
 * machine that is not FreeBSD (a laptop reviewing a plan) they fail, and the plan is the
 * one for a freshly booted host.
 */
export async function probeHost(runner: HostRunner, settings: BhyveSettings, guest: GuestConfig, guestDir: string, datastoreDir: string): Promise<HostFacts> {
  const [interfaces, upOnOpen, vmm, nmdm, systemConf] = await Promise.all([
    runner.run(['ifconfig', '-l'], { timeoutMs: 5000 }),
    runner.run(['sysctl', '-n', 'net.link.tap.up_on_open'], { timeoutMs: 5000 }),
    runner.run(['kldstat', '-q', '-m', 'vmm'], { timeoutMs: 5000 }),
    runner.run(['kldstat', '-q', '-m', 'nmdm'], { timeoutMs: 5000 }),
    readFile(`${datastoreDir}/.config/system.conf`, 'utf8').catch(() => undefined),
  ]);
  const candidates = [
    firmwareFor(guest.loader, settings.paths, datastoreDir),
    uefiVarsTemplate(settings.paths),
    `${guestDir}/uefi-vars.fd`,
    ...(guest.installMedia ? [guest.installMedia] : []),
    ...guest.disks.flatMap((d, i) => (d.dev === 'file' || d.dev === 'custom' ? [diskPath(guest, i, { guestDir, installing: false, taps: [], acpiFlag: true }, settings.paths)] : [])),
  ];
  const found = await Promise.all(candidates.map(async (path) => ((await stat(path).catch(() => undefined)) ? path : undefined)));
  return {
    interfaces: interfaces.exitCode === 0 ? interfaces.stdout.trim().split(/\s+/).filter(Boolean) : [],
    tapUpOnOpen: upOnOpen.exitCode === 0 && upOnOpen.stdout.trim() === '1',
    modules: { vmm: vmm.exitCode === 0, nmdm: nmdm.exitCode === 0 },
    existing: new Set(found.filter((p): p is string => p !== undefined)),
    ...(systemConf !== undefined ? { systemConf: parseConf(systemConf) } : {}),
  };
}
