import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { groupMembership } from './accounts.js';
import { devfsConfEdit, devfsConfHas, devfsRulesEdit, readDevfsConf, readDevfsRules, rulesetHas } from './devfs.js';
import { loginCapabilityEdit, readLoginCapability } from './login-conf.js';
import { readShVars, sysrcEdit } from './sh-vars.js';
import { readSysctlConf, sysctlConfEdit } from './sysctl-conf.js';
import { readTtys, ttysEdit } from './ttys.js';

/** Real files (see each one's first comment lines for where it came from). */
const etc = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/etc', name), 'utf8');

/** The lines an edit removed: an edit may change the line it is about, never another. */
function removedLines(before: string, after: string): string[] {
  const kept = new Set(after.split('\n'));
  return before.split('\n').filter((l) => !kept.has(l));
}

test('rc.conf: values as sh reads them, comments and quotes included', { timeout: 10_000 }, () => {
  const rc = readShVars(etc('rc.conf.laptop'));
  assert.ok(rc.ok);
  assert.equal(rc.vars.get('kld_list')?.value, '/boot/modules/drm2.ko /boot/modules/i915kms.ko');
  assert.equal(rc.vars.get('ipv6_network_interfaces')?.value, 'none');
  assert.equal(rc.vars.get('slim_enable')?.value, 'yes');
  assert.equal(rc.vars.get('cloned_interfaces')?.value, 'bridge0 tap0');
  const quoted = readShVars(`a='x y' b="c\\"d" e=f\\ g # comment\nh="multi\nline"\n`);
  assert.ok(quoted.ok);
  assert.deepEqual(['a', 'b', 'e', 'h'].map((k) => quoted.vars.get(k)?.value), ['x y', 'c"d', 'f g', 'multi\nline']);
});

test('rc.conf: an expansion makes that value unknown, not guessed; shell code makes the file unknown', { timeout: 10_000 }, () => {
  const rc = readShVars(etc('rc.conf.backticks'));
  assert.ok(rc.ok);
  assert.equal(rc.vars.get('ipv4_addrs_bridge0')?.value, null);
  assert.equal(rc.vars.get('ifconfig_bridge0')?.value, 'addm tap0 up');
  assert.equal(sysrcEdit(etc('rc.conf.backticks'), 'ipv4_addrs_bridge0', 'x').ok, false);
  for (const bad of ['. /etc/rc.conf.site\n', 'if [ -x /x ]; then a=1; fi\n', 'a="open\n', "b='open\n", 'a=$(hostname)x\nkld_list="vmm\n']) {
    const read = readShVars(bad);
    assert.ok(!read.ok || [...read.vars.values()].every((v) => v.value === null), JSON.stringify(bad));
    assert.equal(sysrcEdit(bad, 'kld_list', 'vmm', true).ok, false, `no edit of ${JSON.stringify(bad)}`);
  }
});

test('loader.conf: dotted tunables read, and a sysrc edit shown as sysrc writes it', { timeout: 10_000 }, () => {
  const text = etc('loader.conf.laptop');
  const loader = readShVars(text);
  assert.ok(loader.ok);
  assert.equal(loader.vars.get('kern.geom.label.gptid.enable')?.value, '0');
  assert.equal(loader.vars.get('vboxdrv_load')?.value, 'YES');
  const edited = sysrcEdit(text, 'xen_kernel', '/boot/xen');
  assert.ok(edited.ok);
  assert.equal(edited.text, `${text}xen_kernel="/boot/xen"\n`);
});

test('sysrc edits change one line or add one, and += adds only missing words', { timeout: 10_000 }, () => {
  const text = etc('rc.conf.laptop');
  const kld = sysrcEdit(text, 'kld_list', 'vmm nmdm', true);
  assert.ok(kld.ok);
  assert.deepEqual(removedLines(text, kld.text), ['kld_list="/boot/modules/drm2.ko /boot/modules/i915kms.ko"']);
  assert.match(kld.text, /^kld_list="\/boot\/modules\/drm2.ko \/boot\/modules\/i915kms.ko vmm nmdm"$/m);
  assert.match(kld.text, /^#kld_list="nmdm vmm"$/m, 'the commented-out line stays');
  const again = sysrcEdit(kld.text, 'kld_list', 'nmdm vmm', true);
  assert.ok(again.ok);
  assert.equal(again.text, kld.text);
  const comment = sysrcEdit(text, 'ipv6_network_interfaces', 'auto');
  assert.ok(comment.ok);
  assert.match(comment.text, /^ipv6_network_interfaces="auto" {6}# Default is auto$/m);
  const fresh = sysrcEdit('hostname="h"', 'kld_list', 'vmm', true);
  assert.ok(fresh.ok);
  assert.equal(fresh.text, 'hostname="h"\nkld_list="vmm"\n');
  assert.equal(sysrcEdit('a=1 kld_list=x\n', 'kld_list', 'vmm', true).ok, false, 'two assignments on the line: sysrc would not keep a=1');
});

test('sysctl.conf: the last line wins; an edit changes it in place or appends; malformed stays untouched', { timeout: 10_000 }, () => {
  const laptop = readSysctlConf(etc('sysctl.conf.laptop'));
  assert.ok(laptop.ok);
  assert.equal(laptop.values.get('net.link.tap.up_on_open')?.value, '1');
  assert.equal(laptop.values.has('dev.acpi_ibm.0.bluetooth'), false, 'commented out');
  const twice = readSysctlConf('a=1\na=2\n');
  assert.ok(twice.ok);
  assert.equal(twice.values.get('a')?.value, '2');
  const stock = etc('sysctl.conf.stock');
  const added = sysctlConfEdit(stock, 'vm.max_wired', '-1');
  assert.ok(added.ok);
  assert.equal(added.text, `${stock}vm.max_wired=-1\n`);
  const changed = sysctlConfEdit('net.link.tap.up_on_open=0 # was off\nkern.maxfiles=1\n', 'net.link.tap.up_on_open', '1');
  assert.ok(changed.ok);
  assert.equal(changed.text, 'net.link.tap.up_on_open=1 # was off\nkern.maxfiles=1\n');
  for (const bad of ['net.link.tap.up_on_open\n', 'x = = y\n junk line\n', 'a=1\n\0\0']) {
    assert.equal(readSysctlConf(bad).ok, false, JSON.stringify(bad));
    assert.equal(sysctlConfEdit(bad, 'vm.max_wired', '-1').ok, false);
  }
});

test('login.conf: memorylocked of the default record, edited in place; a broken record is not edited', { timeout: 10_000 }, () => {
  const stock = etc('login.conf.stock');
  const read = readLoginCapability(stock, 'default', 'memorylocked');
  assert.ok(read.ok);
  assert.equal(read.value, '64K');
  const edited = loginCapabilityEdit(stock, 'default', 'memorylocked', 'unlimited');
  assert.ok(edited.ok);
  assert.deepEqual(removedLines(stock, edited.text), ['\t:memorylocked=64K:\\']);
  assert.equal(edited.text.split('\n').filter((l) => l !== '').length, stock.split('\n').filter((l) => l !== '').length);
  assert.match(edited.text, /^\t:memorylocked=unlimited:\\$/m);
  assert.match(edited.text, /^\t:memorylocked=128M:\\$/m, 'the daemon record keeps its own');
  const noCap = stock.replace('\t:memorylocked=64K:\\\n', '');
  const inserted = loginCapabilityEdit(noCap, 'default', 'memorylocked', 'unlimited');
  assert.ok(inserted.ok);
  assert.match(inserted.text, /^default:\\\n\t:memorylocked=unlimited:\\\n\t:passwd_format=sha512:\\$/m);
  const broken = etc('login.conf.broken');
  assert.equal(readLoginCapability(broken, 'default', 'memorylocked').ok, false);
  assert.equal(loginCapabilityEdit(broken, 'default', 'memorylocked', 'unlimited').ok, false);
  assert.equal(loginCapabilityEdit('default:\\\n\t:umask=022:\\\n', 'default', 'memorylocked', 'unlimited').ok, false, 'cut: ends with a backslash');
  assert.equal(loginCapabilityEdit('standard:\\\n\t:tc=default:\n', 'default', 'memorylocked', 'unlimited').ok, false, 'no default record');
});

test('ttys: the xc0 line of FreeBSD 14; one added or switched on, nothing else touched', { timeout: 10_000 }, () => {
  const text = etc('ttys.14');
  const ttys = readTtys(text);
  assert.ok(ttys.ok);
  assert.equal(ttys.ttys.find((t) => t.name === 'xc0')?.status, 'onifconsole');
  const entry = 'xc0\t"/usr/libexec/getty Pc"\t\txterm\tonifconsole\tsecure';
  const without = text.replace(/^xc0.*\n/m, '');
  const added = ttysEdit(without, entry);
  assert.ok(added.ok);
  assert.equal(added.text, `${without}${entry}\n`);
  const off = text.replace('xc0\t"/usr/libexec/getty Pc"\t\txterm\tonifconsole secure', 'xc0\t"/usr/libexec/getty Pc"\t\txterm\toff secure');
  const switched = ttysEdit(off, entry);
  assert.ok(switched.ok);
  assert.deepEqual(removedLines(off, switched.text), ['xc0\t"/usr/libexec/getty Pc"\t\txterm\toff secure']);
  assert.equal(readTtys('ttyv0\t"/usr/libexec/getty Pc\txterm\ton secure\n').ok, false);
  assert.equal(ttysEdit('ttyv0\t"/usr/libexec/getty Pc\txterm\ton secure\n', entry).ok, false);
});

test('devfs.conf: the last line per device wins; wanted lines appended, never removed; malformed untouched', { timeout: 10_000 }, () => {
  const stock = etc('devfs.conf.stock');
  const wanted = [
    { action: 'own', device: 'vboxnetctl', argument: 'root:vboxusers' },
    { action: 'perm', device: 'vboxnetctl', argument: '0660' },
  ] as const;
  const conf = readDevfsConf(stock);
  assert.ok(conf.ok);
  assert.equal(conf.lines.length, 0, 'the stock file only has commented examples');
  const edited = devfsConfEdit(stock, wanted, 'VirtualBox host-only and bridged networking (handbook 24.5)');
  assert.ok(edited.ok);
  assert.equal(edited.text, `${stock}# VirtualBox host-only and bridged networking (handbook 24.5)\nown\tvboxnetctl\troot:vboxusers\nperm\tvboxnetctl\t0660\n`);
  const reread = readDevfsConf(edited.text);
  assert.ok(reread.ok && wanted.every((w) => devfsConfHas(reread.lines, w)));
  const overridden = readDevfsConf('perm vboxnetctl 0660\nperm vboxnetctl 0600\n');
  assert.ok(overridden.ok);
  assert.equal(devfsConfHas(overridden.lines, wanted[1]), false, 'a later line wins');
  assert.ok(readDevfsConf('p\tcd*\t0660\n').ok, 'rc.d/devfs reads only the first letter of the action');
  assert.equal(devfsConfEdit('perm vboxnetctl\n', wanted, 'x').ok, false);
  assert.equal(devfsConfEdit('chmod vboxnetctl 0660\n', wanted, 'x').ok, false);
});

test('devfs.rules: a rule added to the system ruleset, or a new [localrules=10]; unknown rulesets not guessed', { timeout: 10_000 }, () => {
  const rule = { path: 'usb/*', mode: '0660', group: 'operator' };
  const fresh = devfsRulesEdit('', undefined, [rule]);
  assert.ok(fresh.ok);
  assert.equal(fresh.text, "[localrules=10]\nadd path 'usb/*' mode 0660 group operator\n");
  assert.equal(fresh.ruleset, 'localrules');
  assert.ok(rulesetHas(readDevfsRules(fresh.text), 'localrules', rule));
  const system = "# mine\n[system=10]\nadd path 'unlpt*' mode 0660 group cups\nadd path 'da*s*' mode 0660 group operator\n\n[other=20]\nadd path 'cd*' mode 0660 group operator\n";
  const added = devfsRulesEdit(system, 'system', [rule]);
  assert.ok(added.ok);
  assert.equal(added.text, "# mine\n[system=10]\nadd path 'unlpt*' mode 0660 group cups\nadd path 'da*s*' mode 0660 group operator\nadd path 'usb/*' mode 0660 group operator\n\n[other=20]\nadd path 'cd*' mode 0660 group operator\n");
  assert.equal(rulesetHas(readDevfsRules(system), 'other', rule), false);
  assert.equal(devfsRulesEdit(system, 'devfsrules_jail', [rule]).ok, false, 'a ruleset of /etc/defaults/devfs.rules is not edited here');
  assert.equal(devfsRulesEdit("add path 'x' mode 0660\n", undefined, [rule]).ok, false, 'a rule outside any ruleset');
  assert.equal(devfsRulesEdit('[a=1]\nchmod everything\n', 'a', [rule]).ok, false);
});

test('group membership: by the member list or the primary group', { timeout: 10_000 }, () => {
  const group = 'wheel:*:0:root,alice\nkvm:x:107:\nvboxusers:*:920:bob, alice\ndialer:*:68:\n';
  const passwd = 'carol:*:1003:68:Carol:/home/carol:/bin/sh\n';
  assert.deepEqual(groupMembership(group, passwd, 'alice', 'vboxusers'), { ok: true, member: true, how: 'vboxusers:*:920:bob, alice' });
  assert.equal((groupMembership(group, passwd, 'carol', 'dialer') as { member: boolean }).member, true);
  assert.equal((groupMembership(group, passwd, 'alice', 'kvm') as { member: boolean }).member, false);
  assert.equal(groupMembership(group, passwd, 'alice', 'nosuch').ok, false);
  assert.equal(groupMembership('kvm:x\n', passwd, 'alice', 'kvm').ok, false);
});

test('no parser throws, and no edit loses a line, on random input', { timeout: 30_000 }, () => {
  const text = fc.string({ unit: fc.constantFrom('a', '=', '"', "'", '\\', '\n', ' ', '#', ':', '$', '[', ']', '\0', 'x', '1'), maxLength: 80 });
  fc.assert(
    fc.property(text, (t) => {
      for (const edit of [sysrcEdit(t, 'kld_list', 'vmm', true), sysctlConfEdit(t, 'vm.max_wired', '-1'), loginCapabilityEdit(t, 'default', 'memorylocked', 'unlimited'), ttysEdit(t, 'xc0 "x" xterm on secure'), devfsConfEdit(t, [{ action: 'perm', device: 'x', argument: '0660' }], 'c')]) {
        if (!edit.ok) continue;
        const after = new Set(edit.text.split('\n'));
        const lost = t.split('\n').filter((l) => l !== '' && !after.has(l));
        // Only the line the edit is about may change.
        assert.ok(lost.length <= 1, `${JSON.stringify(t)} lost ${JSON.stringify(lost)}`);
      }
    }),
    { numRuns: 3000 },
  );
});
