import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { HostPath, VmName } from '../../shared/validation.js';
import { ApiFuzz, assertGuestDisk, assertNoJunk, fuzzRoot, isCloneJob } from '../testing/api-fuzz.js';
import { SimulatedBhyveHost } from '../testing/simulated-bhyve-host.js';

/**
 * The hostile HTTP and WebSocket requests of testing/api-fuzz.ts against a bhyve host on the FreeBSD
 * HOST SIMULATOR (e2e/freebsd-host-simulator: fake bhyve, bhyvectl, ifconfig… that record their argv;
 * not FreeBSD). Guests the fuzzer makes may really start there.
 */
let root: string;
let rig: SimulatedBhyveHost;
let fuzz: ApiFuzz;

before(async () => {
  const place = await fuzzRoot();
  root = place.root;
  rig = await SimulatedBhyveHost.start('bhyve', place.datastore);
  fuzz = await ApiFuzz.start(rig.host, place);
  // Guests of each loader from the start, so the fuzzer's starts, stops, clones and renames reach bhyve's tools.
  for (const [name, profile] of [['fzweb1', 'freebsd'], ['fz-db-2', 'linux'], ['fuzz1', 'windows']]) {
    await rig.call('createVm', { name, profile, cpus: 1, memory: '256M', diskSize: '16M' });
  }
});

after(async () => {
  await rig.powerOffAll().catch(() => undefined);
  await fuzz.close();
  await rig.close();
  await rm(root, { recursive: true, force: true });
});

test('thousands of hostile API requests on bhyve: the server stays up and nothing escapes validation', { timeout: 180_000 }, async () => {
  await fuzz.hostileHttp();
  await checkCommands();
});

test('hostile WebSocket traffic on bhyve closes sockets, never the server', { timeout: 90_000 }, async () => {
  // One guest running on the simulator (a console to attach to), one stopped.
  await rig.call('createVm', { name: 'fzwsrun', profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '16M' });
  await rig.call('createVm', { name: 'fzwsoff', profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '16M' });
  await rig.call('startVm', { name: 'fzwsrun' });
  const opened = await fuzz.hostileWebSocket(['fzwsrun', 'fzwsoff']);
  assert.ok(opened >= 200, `only ${opened} sockets were opened`);
  assert.equal((await rig.vm('fzwsrun')).state, 'running', 'the guest outlived the traffic on its console');
  await checkCommands();
});

/**
 * Every command that ran: what Hivedesk's log holds (its `doas` prefix removed) and what reached the
 * simulator's tools (the supervisors' too). Only bhyve's vocabulary, and each argument that came from
 * a request passes the shared schemas: guest names, disks in that guest's directory, its own nmdm device.
 */
async function checkCommands(): Promise<void> {
  const hivedesk = (await fuzz.commands()).map((argv) => (argv[0] === 'doas' ? argv.slice(1) : argv));
  const lines = (await readFile(join(rig.sim, 'commands.jsonl'), 'utf8')).trim().split('\n');
  // doas logs itself, then the tool it runs logs again.
  const simulated = lines.map((l) => (JSON.parse(l) as { argv: string[] }).argv).filter((argv) => argv[0] !== 'doas');
  const programs = new Set<string>();
  for (const argv of [...hivedesk, ...simulated]) {
    assertNoJunk(argv);
    const program = argv[0] ?? '';
    programs.add(program);
    if (program === process.execPath) checkOwnProcess(argv);
    else {
      const check = checks[program];
      assert.ok(check, `unexpected command ${JSON.stringify(argv)}`);
      check(argv.slice(1));
    }
  }
  // The fuzzer got guests running: the checks above saw bhyve's own command lines.
  for (const tool of ['bhyve', 'bhyveload', 'bhyvectl', 'truncate']) assert.ok(programs.has(tool), `no ${tool} ran`);
}

const guestName = (name: string | undefined) => assert.ok(VmName.safeParse(name).success, `an invalid guest name reached a command: ${name}`);
/** A path a guest's command may take: a file in its own directory, or install media that passed HostPath. */
const guestFile = (name: string, path: string) => assert.ok(path.startsWith(`${join(rig.datastore, name)}/`) || HostPath.safeParse(path).data === path, `${name} was given ${path}`);
const nmdm = (name: string, device: string | undefined, side: 'A' | 'B') => assert.match(device ?? '', new RegExp(`^${escape(join(rig.sim, 'dev', `nmdm-${name}.`))}[1-4]${side}$`));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The value after each `flag`. */
const values = (args: string[], flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1] ?? ''] : []));
const exactly = (...allowed: string[][]) => (args: string[]) => assert.ok(allowed.some((a) => a.join(' ') === args.join(' ')), `unexpected arguments ${JSON.stringify(args)}`);

const checks: Record<string, (args: string[]) => void> = {
  bhyve: (args) => {
    const name = args.at(-1) ?? '';
    guestName(name);
    for (const slot of values(args, '-s')) for (const part of slot.split(',').filter((p) => p.startsWith('/'))) guestFile(name, part);
    for (const lpc of values(args, '-l').filter((l) => l.startsWith('com'))) nmdm(name, lpc.split(',')[1], 'A');
  },
  bhyveload: (args) => {
    const name = args.at(-1) ?? '';
    guestName(name);
    for (const disk of values(args, '-d')) guestFile(name, disk);
    for (const console of values(args, '-c')) nmdm(name, console, 'A');
    assert.ok(values(args, '-e').includes(`bhyve_vm_name=${name}`), JSON.stringify(args));
  },
  'grub-bhyve': (args) => {
    const name = args.at(-1) ?? '';
    guestName(name);
    for (const file of [...values(args, '-m'), ...values(args, '-d')]) guestFile(name, file);
    for (const console of values(args, '-c')) nmdm(name, console, 'A');
  },
  bhyvectl: (args) => {
    assert.equal(args.length, 2, JSON.stringify(args));
    guestName(args.find((a) => a.startsWith('--vm='))?.slice('--vm='.length));
  },
  truncate: (args) => assertGuestDisk(args.at(-1) ?? '', rig.datastore),
  chmod: (args) => assertGuestDisk(args.at(-1) ?? '', rig.datastore),
  // A console: the resolved B side of a guest's nmdm pair.
  cu: (args) => assert.match(args.join(' '), /^-l \/dev\/pts\/\d+ -s 115200$/),
  kill: (args) => assert.match(args.join(' '), /^-(TERM|KILL) -- -\d+$/),
  ifconfig: (args) => {
    // An interface is named by Hivedesk (tapN, a switch's bridge); a guest's name only in a tap's description.
    if (args[0] !== undefined && !args[0].startsWith('-')) assert.match(args[0], /^[a-z][a-z0-9_.-]{0,14}$/i, JSON.stringify(args));
    for (const description of values(args, 'description')) guestName(/^vmnet\/([^/]+)\//.exec(description)?.[1]);
  },
  kldload: (args) => assert.ok(args.every((m) => ['vmm', 'nmdm', 'if_bridge', 'if_tuntap'].includes(m)), JSON.stringify(args)),
  kldstat: (args) => assert.match(args.join(' '), /^-q -m (vmm|nmdm|if_bridge|if_tuntap)$/),
  sysctl: exactly(['-n', 'net.link.tap.up_on_open'], ['net.link.tap.up_on_open=1']),
  sysrc: (args) => {
    if (args[0] === '-n' || args[0] === '-a') return exactly(['-n', 'vm_dir'], ['-a'])(args);
    // Start at boot: rc.conf's vm_list holds guest names only.
    const [variable, list] = (args[0] ?? '').split(/\+?-?=/);
    assert.ok(args.length === 1 && variable === 'vm_list' && list !== undefined, JSON.stringify(args));
    list.split(' ').filter(Boolean).forEach((word) => guestName(word.replace(/:\d+$/, '')));
  },
  ps: exactly(['-A', '-ww', '-o', 'pid=,ppid=,args=']),
  netstat: exactly(['-an', '-p', 'tcp']),
  VBoxManage: exactly(['list', 'vms']),
};

/** Hivedesk's own processes: a guest's supervisor or a clone's job, on this datastore. */
function checkOwnProcess(argv: string[]): void {
  if (isCloneJob(argv, rig.datastore)) return;
  assert.match(argv.at(-3) ?? '', /\/electron\/backends\/bhyve\/supervisor-main\.ts$/, JSON.stringify(argv));
  assert.equal(argv.at(-2), rig.datastore);
  guestName(argv.at(-1));
}
