import { stat } from 'node:fs/promises';
import type { GuestConfig } from '../../datastore/guest-config.js';
import type { HostRunner } from '../../host/run.js';
import type { GuestRegistry } from '../backend.js';
import { parseMachineReadable, parseVmList } from './machine-readable.js';
import { readMachine, type VboxMachine } from './machine.js';
import { listArgv, showvminfoArgv } from './vboxmanage.js';

const RUN_MS = 15_000;
/** A `list vms` answers what is asked within this time (a list pass, a request right after it). */
const FRESH_MS = 500;

/**
 * VirtualBox's own list of machines (`VBoxManage list vms`), each read with `showvminfo --machinereadable`. The list
 * is asked every second with the guest list; a machine is read again only when its settings file changed (VirtualBox
 * writes every change there), so a list of unchanged machines costs one command.
 */
export class VboxRegistry implements GuestRegistry {
  private readonly cache = new Map<string, { mtimeMs: number; machine: VboxMachine }>();
  private listed?: { at: number; machines: Promise<VboxMachine[]> };

  constructor(private readonly runner: HostRunner) {}

  async list(): Promise<GuestConfig[]> {
    return (await this.machines()).map((m) => m.guest);
  }

  async find(name: string): Promise<GuestConfig | undefined> {
    return (await this.machine(name))?.guest;
  }

  /** After Hivedesk changed VirtualBox's machines (made, removed one): the next question lists them anew. */
  invalidate(): void {
    this.listed = undefined;
  }

  /** One machine, read now (its run-time facts, such as the VRDE port it got, are not in its settings file). */
  async fresh(name: string): Promise<VboxMachine | undefined> {
    const info = await this.runner.run(showvminfoArgv(name), { timeoutMs: RUN_MS });
    return info.exitCode === 0 ? readMachine(parseMachineReadable(info.stdout)) : undefined;
  }

  async machine(name: string): Promise<VboxMachine | undefined> {
    return (await this.machines()).find((m) => m.guest.name === name);
  }

  /** The names of the machines running now (`list runningvms`). */
  async running(): Promise<Set<string>> {
    const listed = await this.runner.run(listArgv('runningvms'), { timeoutMs: RUN_MS, logKey: 'virtualbox: running machines (list runningvms)' });
    if (listed.exitCode !== 0) throw new Error(`VBoxManage list runningvms failed: ${listed.stderr.trim() || `exit status ${listed.exitCode}`}`);
    return new Set(parseVmList(listed.stdout).map((vm) => vm.name));
  }

  /** Asked by every guest of a list pass and by each request: one `list vms` answers those within FRESH_MS. */
  private machines(): Promise<VboxMachine[]> {
    if (this.listed && Date.now() - this.listed.at < FRESH_MS) return this.listed.machines;
    const machines = this.readMachines();
    this.listed = { at: Date.now(), machines };
    machines.catch(() => (this.listed = undefined));
    return machines;
  }

  private async readMachines(): Promise<VboxMachine[]> {
    const listed = await this.runner.run(listArgv('vms'), { timeoutMs: RUN_MS, logKey: 'virtualbox: machines (list vms)' });
    if (listed.exitCode !== 0) throw new Error(`VBoxManage list vms failed: ${listed.stderr.trim() || `exit status ${listed.exitCode}`}`);
    const vms = parseVmList(listed.stdout);
    for (const uuid of this.cache.keys()) if (!vms.some((vm) => vm.uuid === uuid)) this.cache.delete(uuid);
    const read = await Promise.all(vms.map((vm) => this.read(vm.uuid)));
    return read.filter((m): m is VboxMachine => m !== undefined);
  }

  private async read(uuid: string): Promise<VboxMachine | undefined> {
    const known = this.cache.get(uuid);
    const mtimeMs = known ? await modified(known.machine.cfgFile) : undefined;
    if (known && mtimeMs === known.mtimeMs) return known.machine;
    const info = await this.runner.run(showvminfoArgv(uuid), { timeoutMs: RUN_MS, logKey: `virtualbox: machine ${uuid} (showvminfo)` });
    if (info.exitCode !== 0) return undefined;
    const machine = readMachine(parseMachineReadable(info.stdout));
    this.cache.set(uuid, { mtimeMs: (await modified(machine.cfgFile)) ?? -1, machine });
    return machine;
  }
}

async function modified(path: string): Promise<number | undefined> {
  return (await stat(path).catch(() => undefined))?.mtimeMs;
}
