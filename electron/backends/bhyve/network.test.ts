import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseConf } from '../../datastore/conf.js';
import { toGuestConfig } from '../../datastore/guest-config.js';
import { SIMULATOR_BIN } from '../../testing/simulated-bhyve.js';
import { type NetworkFacts, type NetworkPlan, planNetwork } from './network.js';

/**
 * A guest's network as vm-bhyve 1.7 provisions it (lib/vm-switch-standard, lib/vm-switch-manual, as quoted in the
 * research brief): the expected commands are written out from vm-bhyve's shell code, not from Hivedesk's.
 */
const GUEST = 'loader="bhyveload"\ncpu=1\nmemory=1G\ndisk0_type="virtio-blk"\ndisk0_name="disk0.img"\n';
const nic = (i: number, extra: string) => `network${i}_type="virtio-net"\n${extra}`;

function plan(conf: string, facts: Partial<NetworkFacts> = {}): NetworkPlan {
  const guest = toGuestConfig('web1', parseConf(GUEST + conf), 'bhyve');
  const all: NetworkFacts = { interfaces: ['igb0', 'lo0'], tapUpOnOpen: true, switchBridges: new Map(), bridgeMtus: new Map(), ...facts };
  return planNetwork(guest, all, (argv, why) => ({ argv, why }));
}

const commands = (p: NetworkPlan) => p.setup.map((c) => c.argv.join(' '));
const system = (text: string) => parseConf(text);

test('a standard switch without its bridge gets the one `vm init` makes: vm-<switch>, its viid group, link random, the ports', { timeout: 10_000 }, () => {
  const p = plan(nic(0, 'network0_switch="public"\n'), { systemConf: system('switch_list="public"\ntype_public="standard"\nports_public="igb0"\n') });
  assert.deepEqual(commands(p), [
    // switch::standard::init; viid = "viid-" + first 5 hex digits of md5("public") + "@"
    'ifconfig bridge create name vm-public group vm-switch up',
    'ifconfig vm-public group viid-4c918@',
    'ifconfig vm-public link random',
    'ifconfig vm-public addm igb0',
    // switch::standard::provision
    'ifconfig tap0 create descr vmnet/web1/0/public group vm-port',
    'ifconfig vm-public addm tap0',
    'ifconfig tap0 up',
  ]);
  assert.deepEqual(p.taps, ['tap0']);
  assert.deepEqual(p.teardown.map((c) => c.argv.join(' ')), ['ifconfig tap0 destroy']);
  assert.deepEqual([p.notes, p.warnings], [[], []]);
});

test('a switch found by its viid group is used as it is: no init, the tap takes the bridge MTU, private and span ports', { timeout: 10_000 }, () => {
  const conf = system('switch_list="public lan"\nports_public="igb0"\nprivate_lan="yes"\n');
  const p = plan(nic(0, 'network0_switch="public"\n') + nic(1, 'network1_switch="lan"\nnetwork1_span="yes"\n'), {
    interfaces: ['igb0', 'lo0', 'bridge0', 'vm-lan', 'tap0'],
    systemConf: conf,
    switchBridges: new Map([['public', 'bridge0'], ['lan', 'vm-lan']]),
    bridgeMtus: new Map([['bridge0', 9000], ['vm-lan', 1500]]),
  });
  assert.deepEqual(commands(p), [
    'ifconfig tap1 create descr vmnet/web1/0/public group vm-port',
    'ifconfig tap1 mtu 9000',
    'ifconfig bridge0 addm tap1',
    'ifconfig tap1 up',
    'ifconfig tap2 create descr vmnet/web1/1/lan group vm-port',
    'ifconfig vm-lan span tap2',
    'ifconfig tap2 up',
    'ifconfig vm-lan private tap2',
  ]);
  assert.deepEqual(p.notes, ['Switch "lan" has no host NIC (ports_lan in .config/system.conf), so web1 can reach only this host.']);
});

test('switch names over 12 characters keep a bridgeN described vm/<switch>; addr, addr6, mtu and a VLAN port', { timeout: 10_000 }, () => {
  const conf = system('switch_list="averylongswitchname"\nports_averylongswitchname="igb0"\nvlan_averylongswitchname="10"\nmtu_averylongswitchname="9000"\naddr_averylongswitchname="10.0.0.1/24"\naddr6_averylongswitchname="fd00::1/64"\n');
  const p = plan(nic(0, 'network0_switch="averylongswitchname"\n'), { systemConf: conf, interfaces: ['igb0', 'lo0', 'bridge0'] });
  assert.deepEqual(commands(p), [
    'ifconfig bridge1 create descr vm/averylongswitchname group vm-switch up',
    'ifconfig bridge1 group viid-5c3ce@',
    'ifconfig bridge1 link random',
    'ifconfig bridge1 inet 10.0.0.1/24',
    'ifconfig bridge1 inet6 fd00::1/64 auto_linklocal',
    'ifconfig bridge1 mtu 9000',
    'ifconfig igb0 mtu 9000',
    'ifconfig vlan create vlandev igb0 vlan 10 descr vm-vlan/averylongswitchname/igb0.10 name igb0.10 group vm-vlan up',
    'ifconfig igb0.10 group viid-535f7@',
    'ifconfig bridge1 addm igb0.10',
    'ifconfig tap0 create descr vmnet/web1/0/averylongswitchname group vm-port',
    'ifconfig tap0 mtu 9000',
    'ifconfig bridge1 addm tap0',
    'ifconfig tap0 up',
  ]);
});

test('every command a switch and its taps need is one the simulated ifconfig accepts, and leaves vm-bhyve\'s state', { timeout: 30_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'freebsd-sim-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const conf = system('switch_list="public"\nports_public="igb0"\nvlan_public="10"\nmtu_public="9000"\naddr_public="10.0.0.1/24"\n');
  const p = plan(nic(0, 'network0_switch="public"\nnetwork0_name="web1-lan"\n') + nic(1, 'network1_switch="public"\nnetwork1_span="yes"\n'), { systemConf: conf });
  const ifconfig = (args: string[]) => spawnSync(join(SIMULATOR_BIN, 'ifconfig'), args, { env: { ...process.env, FREEBSD_SIM_ROOT: root }, encoding: 'utf8', timeout: 10_000 });
  for (const command of p.setup) {
    const run = ifconfig(command.argv.slice(1));
    assert.equal(run.status, 0, `${command.argv.join(' ')}: ${run.stderr}`);
  }
  assert.equal(ifconfig(['-g', 'viid-4c918@']).stdout, 'vm-public\n');
  const shown = ifconfig(['vm-public']).stdout;
  assert.match(shown, /mtu 9000\n/);
  assert.match(shown, /member: igb0\.10 .*\n\tmember: web1-lan .*\n\tspan: tap0\n/);
  assert.match(ifconfig(['web1-lan']).stdout, /description: vmnet\/web1\/0\/public\n/);
});

test('a manual switch is its bridge_<sw>; one that does not exist is refused with what to do', { timeout: 10_000 }, () => {
  const conf = system('switch_list="uplink"\ntype_uplink="manual"\nbridge_uplink="bridge5"\n');
  const present = plan(nic(0, 'network0_switch="uplink"\n'), { systemConf: conf, interfaces: ['igb0', 'bridge5'] });
  assert.deepEqual(commands(present).slice(1), ['ifconfig bridge5 addm tap0', 'ifconfig tap0 up']);
  assert.deepEqual(present.warnings, []);
  const missing = plan(nic(0, 'network0_switch="uplink"\n'), { systemConf: conf });
  assert.deepEqual(missing.warnings, ['Switch "uplink" is a manual switch whose bridge bridge5 does not exist: create bridge5 (cloned_interfaces in /etc/rc.conf), or choose another switch in Settings → Network.']);
  assert.equal(commands(missing).some((c) => c.includes('bridge5')), false);
});

test('a switch vm-bhyve does not know gets a bridge of Hivedesk\'s own, made the standard way, and the plan says so', { timeout: 10_000 }, () => {
  const p = plan(nic(0, 'network0_switch="public"\n'));
  assert.deepEqual(commands(p).slice(0, 3), ['ifconfig bridge create name vm-public group vm-switch up', 'ifconfig vm-public group viid-4c918@', 'ifconfig vm-public link random']);
  assert.match(p.notes[0] ?? '', /^Switch "public" is not in \.config\/system\.conf's switch_list, so vm-bhyve would leave its NICs unconnected; Hivedesk connects them to a bridge of its own, vm-public/);
  const again = plan(nic(0, 'network0_switch="public"\n'), { interfaces: ['igb0', 'vm-public'], switchBridges: new Map([['public', 'vm-public']]) });
  assert.deepEqual(commands(again)[1], 'ifconfig vm-public addm tap0');
  assert.match(again.notes[0] ?? '', /a bridge of its own, vm-public,/);
});

test('networkN_name names the tap, networkN_device is used as is and kept at stop; a NIC without a switch is connected to nothing', { timeout: 10_000 }, () => {
  const p = plan(nic(0, 'network0_name="web1-lan"\n') + nic(1, 'network1_device="tap9"\n'), { interfaces: ['igb0', 'tap9'] });
  assert.deepEqual(commands(p), [
    'ifconfig tap create name web1-lan descr vmnet/web1/0/custom group vm-port',
    'ifconfig tap9 descr vmnet/web1/1/custom group vm-port',
  ]);
  assert.deepEqual(p.taps, ['web1-lan', 'tap9']);
  assert.deepEqual(p.teardown.map((c) => c.argv.join(' ')), ['ifconfig web1-lan destroy']);
  assert.deepEqual(p.notes, ['network0 has no switch (network0_switch), so its tap web1-lan is connected to nothing.']);
  const taken = plan(nic(0, 'network0_name="web1-lan"\n') + nic(1, 'network1_device="tap9"\n'), { interfaces: ['igb0', 'web1-lan'] });
  assert.deepEqual(taken.warnings, [
    'network0_name web1-lan is already an interface on this host (is the guest running elsewhere?): pick another name in Settings → Network.',
    'network1_device tap9 does not exist: create it (cloned_interfaces in /etc/rc.conf), or clear network1_device in Settings → Network.',
  ]);
});

test('netgraph and vale switches, and a vxlan switch without its bridge, are refused, not started unconnected', { timeout: 10_000 }, () => {
  const conf = system('switch_list="ng vx"\ntype_ng="netgraph"\ntype_vx="vxlan"\n');
  const p = plan(nic(0, 'network0_switch="ng"\n') + nic(1, 'network1_switch="vx"\n'), { systemConf: conf });
  assert.deepEqual(p.warnings, [
    'Switch "ng" is a netgraph switch, which Hivedesk cannot connect yet: start web1 with `vm start web1`, or choose another switch in Settings → Network.',
    'Switch "vx" is a vxlan switch without its bridge: run `vm init` once, which makes it.',
  ]);
  const made = plan(nic(0, 'network0_switch="vx"\n'), { systemConf: conf, interfaces: ['igb0', 'vm-vx'], switchBridges: new Map([['vx', 'vm-vx']]) });
  assert.deepEqual([made.warnings, commands(made)[1]], [[], 'ifconfig vm-vx addm tap0']);
});
