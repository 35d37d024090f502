// VirtualBox on a FreeBSD host, as the handbook's 24.5 prepares it.

import { type DevfsConfLine, devfsConfEdit, devfsConfHas, type DevfsRule, readDevfsConf } from '../parse/devfs.js';
import { type CheckDef, missing, needsLiveHost, ok, unknown } from '../check.js';
import { account, asRoot, configText, groupAdd, groupId, inGroup, installStep, moduleCheck, onRunningSystem } from '../steps.js';
import { packageCheck, yesCheck } from './common.js';
import { devfsGroupRule } from './devfs-rule.js';

const area = 'virtualbox';

const users: CheckDef = {
  id: 'vbox-group',
  area,
  title: 'The vboxusers group',
  explanation: 'Only members of the vboxusers group may use VirtualBox.',
  async run(ctx) {
    const who = await account(ctx);
    if ('outcome' in who) return who.outcome;
    const group = await inGroup(ctx, who.user, 'vboxusers');
    if ('outcome' in group) return group.noGroup ? missing('There is no vboxusers group yet.', group.outcome.evidence, { manual: 'The virtualbox-ose package makes the vboxusers group: install it first (its check).' }) : group.outcome;
    if (group.member) return ok(`${who.user} may use VirtualBox.`, group.evidence);
    return missing(`${who.user} is not in vboxusers.`, group.evidence, { fix: { steps: [groupAdd(ctx, who.user, 'vboxusers')], warnings: ['The group applies from the next login.'] } });
  },
};

const netctl: CheckDef = {
  id: 'vbox-netctl',
  area,
  title: '/dev/vboxnetctl for vboxusers',
  explanation: 'Bridged networking opens /dev/vboxnetctl, which must be root:vboxusers with mode 0660.',
  async run(ctx) {
    if (!ctx.host.live) return needsLiveHost(`stat ${ctx.devDir}/vboxnetctl`);
    const path = `${ctx.devDir}/vboxnetctl`;
    const facts = await ctx.host.factsAt(path);
    if (!facts) return missing(`${path} does not exist: vboxnet is not running.`, [`${path}: missing`], { manual: 'Enable vboxnet (its check) and reboot.' });
    const gid = await groupId(ctx, 'vboxusers');
    const evidence = [`${path}: uid ${facts.uid}, gid ${facts.gid}, mode ${facts.mode.toString(8).padStart(4, '0')}`, `vboxusers: gid ${gid ?? '(no such group)'}`];
    if (gid === undefined) return unknown('There is no vboxusers group: is VirtualBox installed?', evidence);
    if (facts.uid === 0 && facts.gid === gid && facts.mode === 0o660) return ok(`${path} is root:vboxusers 0660.`, evidence);
    return missing(`${path} is not root:vboxusers 0660.`, evidence, { fix: { steps: [{ argv: asRoot(ctx, ['chown', 'root:vboxusers', path]) }, { argv: asRoot(ctx, ['chmod', '0660', path]) }], warnings: ['Lasts until the next reboot; the devfs.conf check makes it permanent.'] } });
  },
};

/** devfs.conf lines as their own check, with `service devfs restart` to apply them now. */
function devfsConfCheck(def: Omit<CheckDef, 'run'>, wanted: DevfsConfLine[], comment: string): CheckDef {
  return {
    ...def,
    async run(ctx) {
      const text = await configText(ctx, '/etc/devfs.conf');
      if (!text.ok) return text.outcome;
      const conf = readDevfsConf(text.text);
      if (!conf.ok) return unknown('Cannot read /etc/devfs.conf.', [`/etc/devfs.conf: ${conf.problem}`], { manual: 'Fix /etc/devfs.conf by hand; Hivedesk does not edit a file it cannot read.' });
      const have = wanted.filter((w) => devfsConfHas(conf.lines, w));
      const evidence = wanted.map((w) => `/etc/devfs.conf: ${w.action} ${w.device} ${w.argument}: ${have.includes(w) ? 'present' : 'missing'}`);
      if (have.length === wanted.length) return ok('/etc/devfs.conf has the lines.', evidence);
      const edit = devfsConfEdit(text.text, wanted, comment);
      if (!edit.ok) return missing('/etc/devfs.conf lacks lines.', evidence, { manual: edit.problem });
      const restart = onRunningSystem(ctx, ['service', 'devfs', 'restart']);
      return missing('/etc/devfs.conf lacks lines.', evidence, { fix: { steps: [await installStep(ctx, '/etc/devfs.conf', text.text, edit.text), ...restart.steps], ...(restart.warnings ? { warnings: restart.warnings } : {}) } });
    },
  };
}

const USB: DevfsRule = { path: 'usb/*', mode: '0660', group: 'operator' };

const usb: CheckDef = {
  id: 'vbox-usb',
  area,
  title: 'USB devices for guests',
  explanation: 'VirtualBox sees USB devices when you are in operator and a devfs rule gives usb/* to operator (devfs_system_ruleset in /etc/rc.conf).',
  async run(ctx) {
    const who = await account(ctx);
    if ('outcome' in who) return who.outcome;
    return devfsGroupRule(ctx, who.user, USB, { devices: 'USB devices', done: `USB devices belong to operator, and ${who.user} is in it.`, warnings: ['Log in again and restart VirtualBox for USB to show.'] });
  },
};

export const virtualboxChecks: CheckDef[] = [
  packageCheck({ id: 'vbox-package', area, title: 'VirtualBox', explanation: 'VirtualBox for FreeBSD hosts is the virtualbox-ose package (VBoxManage, its kernel modules and the vboxusers group).' }, ['/usr/local/bin/VBoxManage'], ['virtualbox-ose'], 'VirtualBox'),
  moduleCheck({ id: 'vbox-vboxdrv', area, title: 'vboxdrv kernel module', explanation: 'VirtualBox runs guests through its vboxdrv kernel module (kldload vboxdrv).' }, 'vboxdrv'),
  yesCheck({ id: 'vbox-loader-conf', area, title: 'vboxdrv at boot', explanation: 'vboxdrv_load="YES" in /boot/loader.conf loads VirtualBox\'s kernel driver at every boot.' }, '/boot/loader.conf', 'vboxdrv_load', {
    on: 'vboxdrv loads at boot.',
    off: 'vboxdrv does not load at boot.',
  }),
  yesCheck({ id: 'vbox-vboxnet', area, title: 'Bridged and host-only networking', explanation: 'vboxnet_enable="YES" in /etc/rc.conf loads the modules VirtualBox\'s bridged and host-only networks need (reboot after).' }, '/etc/rc.conf', 'vboxnet_enable', {
    on: 'vboxnet starts at boot.',
    off: 'vboxnet does not start at boot.',
    warnings: ['Takes effect after a reboot.'],
  }),
  users,
  netctl,
  devfsConfCheck({ id: 'vbox-devfs-conf', area, title: 'vboxnetctl permissions at boot', explanation: 'own/perm lines for vboxnetctl in /etc/devfs.conf keep it root:vboxusers 0660 after a reboot.' }, [
    { action: 'own', device: 'vboxnetctl', argument: 'root:vboxusers' },
    { action: 'perm', device: 'vboxnetctl', argument: '0660' },
  ], 'VirtualBox bridged networking (handbook 24.5.1)'),
  usb,
  devfsConfCheck({ id: 'vbox-dvd', area, title: 'DVD passthrough', explanation: 'Guests use the host\'s DVD drive through /dev/xpt0, /dev/cd* and /dev/pass*, opened to operator by perm lines in /etc/devfs.conf.' }, [
    { action: 'perm', device: 'cd*', argument: '0660' },
    { action: 'perm', device: 'xpt0', argument: '0660' },
    { action: 'perm', device: 'pass*', argument: '0660' },
  ], 'VirtualBox DVD passthrough (handbook 24.5.3)'),
];
