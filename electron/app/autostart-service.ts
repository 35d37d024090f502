import type { Autostart, AutostartInput, LifecyclePlan } from '../../shared/api/lifecycle.js';
import { startAtBootProblem } from '../../shared/api/backends.js';
import { backendEntry } from '../backends/registry.js';
import { AppError } from '../errors.js';
import { type AutostartSetting, type AutostartStore, placed, renamed } from '../lifecycle/autostart.js';
import type { VmService } from './vm-service.js';

const NOTHING: LifecyclePlan = { commands: [], files: [], steps: [] };

/** "Start at boot" and the order, per guest, on the host's list (rc.conf's vm_list, or the datastore's for systemd). */
export class AutostartService {
  constructor(
    private readonly store: AutostartStore,
    private readonly vms: Pick<VmService, 'guest'>,
  ) {}

  get(): Promise<Autostart> {
    return this.store.read();
  }

  async plan(input: AutostartInput): Promise<LifecyclePlan> {
    return this.store.plan(await this.next(input));
  }

  async set(input: AutostartInput): Promise<Autostart> {
    await this.store.write(await this.next(input));
    return this.store.read();
  }

  /** A deleted guest leaves the list (vm-bhyve's destroy leaves it there, and startall then fails on it). */
  async forget(name: string): Promise<void> {
    await this.change(name, (list) => list.filter((n) => n !== name), `${name} is deleted`);
  }

  /** A renamed guest keeps its place (vm-bhyve's rename leaves the old name there). */
  async renamed(from: string, to: string): Promise<void> {
    await this.change(from, (list) => renamed(list, from, to), `${from} is renamed to ${to}`);
  }

  async planRenamed(from: string, to: string): Promise<LifecyclePlan> {
    const current = await this.store.read();
    if (!current.available || !current.list.includes(from)) return NOTHING;
    return this.store.plan({ list: renamed(current.list, from, to), delay: current.delay });
  }

  private async next({ name, enabled, order, delay }: AutostartInput): Promise<AutostartSetting> {
    const guest = await this.vms.guest(name);
    const current = await this.store.read();
    if (!current.available) throw new AppError('unavailable', current.reason ?? 'Start at boot is not available on this host.');
    const boot = backendEntry(guest.backend)?.startAtBoot;
    const problem = enabled && boot ? startAtBootProblem(boot, current.mechanism) : undefined;
    if (problem) throw new AppError('unavailable', problem);
    return { list: placed(current.list, name, enabled, order), delay };
  }

  /** Only when the guest is on the list; a failure says what was done and what was not. */
  private async change(name: string, edit: (list: string[]) => string[], done: string): Promise<void> {
    const current = await this.store.read();
    if (!current.available || !current.list.includes(name)) return;
    try {
      await this.store.write({ list: edit(current.list), delay: current.delay });
    } catch (err) {
      throw new AppError('host_command_failed', `${done}, but the start-at-boot list still names ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
