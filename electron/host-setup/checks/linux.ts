// A Linux host running guests under QEMU: qemu, KVM that really works (or TCG, said plainly), cu and the
// uucp-readable pty it needs, and the kvm group.

import { stat } from 'node:fs/promises';
import { onPath } from '../../host/on-path.js';
import type { HostRunner } from '../../host/run.js';
import { chooseAccelerator } from '../../backends/qemu/accel.js';
import { type CheckDef, missing, ok, type SetupContext, type Step, unknown } from '../check.js';
import { account, asRoot, inGroup, notInSession } from '../steps.js';

const area = 'linux';

/** apt-get, when this is a Debian-like host: the packages the README names. */
async function aptInstall(ctx: SetupContext, ...packages: string[]): Promise<Step | undefined> {
  return (await onPath('apt-get')) ? { argv: asRoot(ctx, ['apt-get', 'install', '-y', ...packages]), timeoutMs: 15 * 60_000 } : undefined;
}

const qemu: CheckDef = {
  id: 'linux-qemu',
  area,
  title: 'QEMU',
  explanation: 'Guests run in qemu-system-x86_64 (Debian package qemu-system-x86).',
  async run(ctx) {
    const found = await onPath('qemu-system-x86_64');
    if (found) return ok(`${found} is installed.`, [`qemu-system-x86_64: ${found}`]);
    const step = await aptInstall(ctx, 'qemu-system-x86');
    return missing('qemu-system-x86_64 is not on the PATH.', [`PATH=${process.env.PATH ?? ''}`], step ? { fix: { steps: [step] } } : { manual: 'Install QEMU (qemu-system-x86_64) with your distribution\'s package manager.' });
  },
};

/** KVM, probed exactly as the QEMU backend chooses its accelerator. */
export function kvmCheck(runner: HostRunner, kvmPath = '/dev/kvm'): CheckDef {
  return {
    id: 'linux-kvm',
    area,
    title: 'KVM acceleration',
    explanation: 'With KVM (a CPU showing vmx/svm and a /dev/kvm that opens) guests run at near native speed; without it QEMU emulates the CPU (TCG), many times slower.',
    async run() {
      const choice = await chooseAccelerator(runner, kvmPath);
      const evidence = [`accelerator: ${choice.reason}`, `${kvmPath}: ${(await stat(kvmPath).catch(() => undefined)) ? 'exists' : 'does not exist'}`];
      if (choice.accel === 'kvm') return ok('KVM works: guests run accelerated.', evidence);
      return missing(`KVM is not usable, so guests run under the slower TCG: ${choice.reason}.`, evidence, {
        manual: /vmx\/svm/.test(choice.reason) ? 'Turn on VT-x/AMD-V in the firmware setup, or nested virtualisation on the hypervisor this Linux runs under.' : `Make ${kvmPath} openable: load kvm_intel or kvm_amd, and join the kvm group (see its check).`,
      });
    },
  };
}

const kvmGroup: CheckDef = {
  id: 'linux-kvm-group',
  area,
  title: 'The kvm group',
  explanation: '/dev/kvm is root:kvm 0660 on most distributions, so a user outside the kvm group gets TCG.',
  async run(ctx) {
    const who = await account(ctx);
    if ('outcome' in who) return who.outcome;
    const { user } = who;
    const group = await inGroup(ctx, user, 'kvm');
    if ('outcome' in group) return group.outcome;
    if (group.member) {
      if (await notInSession(ctx, user, 'kvm')) return missing(`${user} joined kvm, but this login session started before that.`, group.evidence, { manual: 'Log out and in again so the session has the kvm group.' });
      return ok(user === 'root' ? 'Hivedesk runs as root: /dev/kvm needs no group.' : `${user} is in kvm.`, group.evidence);
    }
    return missing(`${user} is not in kvm.`, group.evidence, { fix: { steps: [{ argv: asRoot(ctx, ['usermod', '-a', '-G', 'kvm', user]) }], warnings: ['The group applies from the next login: log in again, then restart Hivedesk.'] } });
  },
};

/** Debian's Taylor cu opens the line as uucp, so Hivedesk hands QEMU's pty over (see electron/consoles/cu-access.ts). */
const cu: CheckDef = {
  id: 'linux-cu',
  area,
  title: 'cu for consoles',
  explanation: 'Consoles are cu sessions on QEMU\'s serial pty; Debian\'s cu opens it as the uucp user, so the pty must be handed to uucp (as root) or shared with your group (setuid cu).',
  async run(ctx) {
    const path = await onPath('cu');
    if (!path) {
      const step = await aptInstall(ctx, 'cu');
      return missing('cu is not installed: consoles cannot open.', [`PATH=${process.env.PATH ?? ''}`], step ? { fix: { steps: [step] } } : { manual: 'Install cu (Taylor UUCP\'s cu) with your distribution\'s package manager.' });
    }
    const info = await stat(path);
    const setuid = (info.mode & 0o4000) !== 0;
    const passwd = await ctx.host.read('/etc/passwd');
    const uucp = passwd.kind === 'text' ? passwd.text.split('\n').find((l) => l.startsWith('uucp:')) : undefined;
    const evidence = [`${path}: mode ${(info.mode & 0o7777).toString(8)}, owner uid ${info.uid}${setuid ? ' (setuid)' : ''}`, uucp ? `/etc/passwd: ${uucp}` : '/etc/passwd: no uucp user'];
    if (ctx.user === 'root') return uucp ? ok('Hivedesk runs as root and hands each pty to uucp, the user cu opens it as.', evidence) : unknown('Running as root, but there is no uucp user to hand the pty to.', evidence);
    return ok(setuid ? 'cu is setuid: Hivedesk shares each pty with your group, which cu keeps.' : 'cu runs as you and opens your own pty.', evidence);
  },
};

export function linuxChecks(runner: HostRunner): CheckDef[] {
  return [qemu, kvmCheck(runner), kvmGroup, cu];
}
