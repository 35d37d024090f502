import type { Autostart, LifecyclePlan } from '../../shared/api/lifecycle.js';
import type { PlannedCommand } from '../../shared/api/vms.js';
import type { HostRunner } from '../host/run.js';
import { AppError } from '../errors.js';
import { type AutostartSetting, type AutostartStore, DEFAULT_DELAY, parseDelay, parseList } from './autostart.js';

/**
 * FreeBSD: vm-bhyve's own list. At boot its rc.d script runs `vm startall`, which starts the
 * guests of rc.conf's vm_list in that order, vm_delay seconds apart; Hivedesk reads and writes
 * the same two variables with sysrc(8), so `vm` and Hivedesk agree on them.
 */
export class RcConfAutostart implements AutostartStore {
  constructor(
    private readonly runner: HostRunner,
    /** The prefix for root (`doas`, `sudo -n`): sysrc writes /etc/rc.conf. */
    private readonly privilege: readonly string[],
    private readonly datastore: string,
    private readonly zfsDataset?: string,
  ) {}

  async read(): Promise<Autostart> {
    const vars = await this.vars(['vm_list', 'vm_delay', 'vm_enable', 'vm_dir']);
    if (vars === undefined) return { mechanism: 'rc.conf', available: false, reason: 'sysrc is not on this host: start at boot needs FreeBSD’s rc.conf.', list: [], delay: DEFAULT_DELAY, notes: [] };
    return {
      mechanism: 'rc.conf',
      available: true,
      list: parseList(vars.vm_list ?? ''),
      delay: parseDelay(vars.vm_delay),
      notes: this.notes(vars),
    };
  }

  async plan(next: AutostartSetting): Promise<LifecyclePlan> {
    const current = await this.read();
    const commands: PlannedCommand[] = [];
    if (current.list.join(' ') !== next.list.join(' ')) commands.push({ argv: this.sysrc(`vm_list=${next.list.join(' ')}`), why: 'the guests vm-bhyve starts at boot, in order' });
    if (current.delay !== next.delay) commands.push({ argv: this.sysrc(`vm_delay=${next.delay}`), why: 'seconds between two of them' });
    return { commands, files: [], steps: [] };
  }

  async write(next: AutostartSetting): Promise<void> {
    const current = await this.read();
    if (!current.available) throw new AppError('unavailable', current.reason ?? 'Start at boot is not available here.');
    for (const command of (await this.plan(next)).commands) await this.runner.check(command.argv);
  }

  private sysrc(assignment: string): string[] {
    return [...this.privilege, 'sysrc', assignment];
  }

  /**
   * The variables set in rc.conf, from `sysrc -a` (every variable set outside rc.conf's defaults,
   * as `name: value` lines; it needs no root, and unlike asking for each by name it does not fail
   * for the ones that are unset). Undefined when there is no sysrc to run.
   */
  private async vars(names: string[]): Promise<Record<string, string> | undefined> {
    const result = await this.runner.run(['sysrc', '-a'], { timeoutMs: 10_000 });
    if (result.error) return undefined;
    const found: Record<string, string> = {};
    for (const line of result.stdout.split('\n')) {
      const [, name, value] = /^([A-Za-z0-9_]+): (.*)$/.exec(line) ?? [];
      if (name && names.includes(name)) found[name] = value ?? '';
    }
    return found;
  }

  /** What decides whether vm-bhyve will start anything at all. */
  private notes(vars: Record<string, string>): string[] {
    const notes = ['At boot, vm-bhyve’s rc.d script runs `vm startall`: it starts these guests in this order, waiting vm_delay seconds between two.'];
    if (!/^(yes|true|on|1)$/i.test(vars.vm_enable ?? '')) notes.push('vm_enable is not YES in rc.conf, so the rc.d script does not run at boot: `sysrc vm_enable=YES`.');
    const here = [this.datastore, ...(this.zfsDataset ? [`zfs:${this.zfsDataset}`] : [])];
    if (vars.vm_dir !== undefined && !here.includes(vars.vm_dir.replace(/\/+$/, ''))) notes.push(`vm_dir is "${vars.vm_dir}", not this datastore: vm-bhyve starts the guests it finds there.`);
    if (vars.vm_dir === undefined) notes.push('vm_dir is not set in rc.conf: vm-bhyve does not know this datastore.');
    return notes;
  }
}
