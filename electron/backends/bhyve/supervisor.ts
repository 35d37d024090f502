import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BHYVE_EXIT } from './exit.js';
import type { Datastore } from '../../datastore/datastore.js';
import { removeKey, serializeConf } from '../../datastore/conf.js';
import { forgetBootedConf, recordBootedConf } from '../../datastore/conf-history.js';
import { type GuestConfig, KEY, toGuestConfig } from '../../datastore/guest-config.js';
import { writeFileAtomic } from '../../host/atomic-write.js';
import { acquireFileLock } from '../../host/file-lock.js';
import type { HostRunner, RunResult } from '../../host/run.js';
import { hasTitledDescendant } from '../../host/process.js';
import { waitUntil } from '../../host/wait.js';
import { type BootPlan, type BootStep, planBoot } from './plan.js';
import { probeHost } from './probe.js';
import { bhyveTitle, type LastExit, logTail, removeRunState, runtimeFiles, type RuntimeFiles } from './runtime.js';
import { bhyvectlArgv } from './commands.js';
import { type BhyveSettings, privileged } from './settings.js';
import { startSerialLogs } from '../../datastore/serial-logs.js';

export interface SuperviseOptions {
  store: Datastore;
  name: string;
  settings: BhyveSettings;
  runner: HostRunner;
}

const FORCE_POWEROFF_GRACE_MS = 3000;
const NETWORK_LOCK_WAIT_MS = 60_000;
/** How often to look for bhyve's title: often while it usually appears, then seldom (fbuf `wait` holds it until a VNC client connects). */
const TITLE_POLL_MS = 100;
const TITLE_FAST_FOR_MS = 5000;
const TITLE_POLL_SLOW_MS = 5000;
/** Reset, halt and triple fault come from a guest that ran; usage errors exit 1 and refusals 4, like poweroff and errors. */
const GUEST_EXITS = new Set([0, 2, 3]);

/**
 * vmrun.sh's and vm-bhyve's loop: loader and bhyve for each boot; exit 0 (reboot) boots again,
 * 1 (poweroff) and 2 (halt) stop, 3 (triple fault) and 4 (error) stop as faults. The VM
 * instance is destroyed after every exit. The install ISO stays attached across the
 * installer's reboots and is detached once the guest has fully stopped.
 */
export class Supervisor {
  private stopping = false;
  private child?: { pid: number | undefined; what: 'loader' | 'bhyve' };
  private readonly files: RuntimeFiles;

  constructor(private readonly o: SuperviseOptions) {
    this.files = runtimeFiles(o.store.guestDir(o.name));
  }

  /** SIGTERM to the supervisor: stop after this boot, pressing the power button (SIGTERM) if bhyve runs. */
  async requestStop(): Promise<void> {
    this.stopping = true;
    if (this.child?.pid !== undefined) await this.signalChild('-TERM', this.child.pid);
  }

  /**
   * SIGUSR2 to the supervisor: end the guest now. bhyve gets vm-bhyve's
   * `bhyvectl --force-poweroff`; a loader, or a bhyve that has not taken it within a few
   * seconds (it was still starting), is killed, so Power off never leaves a guest running.
   */
  async requestPowerOff(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child?.pid === undefined) return;
    if (child.what === 'bhyve') {
      await this.o.runner.run(privileged(this.o.settings, bhyvectlArgv('force-poweroff', this.o.name)));
      if (await this.exitsWithin(child, FORCE_POWEROFF_GRACE_MS)) return;
    }
    if (this.child === child) await this.signalChild('-KILL', child.pid);
  }

  /**
   * Signals the child's whole process group: the pid we know may be sudo's, which passes on
   * SIGTERM but cannot pass on SIGKILL.
   */
  private signalChild(signal: '-TERM' | '-KILL', pid: number): Promise<unknown> {
    return this.o.runner.run(privileged(this.o.settings, ['kill', signal, '--', `-${pid}`]));
  }

  private exitsWithin(child: NonNullable<Supervisor['child']>, ms: number): Promise<boolean> {
    return waitUntil(() => this.child !== child, ms);
  }

  async run(): Promise<LastExit> {
    const { store, name, settings, runner } = this.o;
    const doc = await store.read(name);
    if (!doc) return this.finish({ at: now(), exitCode: null, fault: `there is no VM named ${name}` }, false);
    const guest = toGuestConfig(name, doc, 'bhyve');
    const guestDir = store.guestDir(name);
    // Guests starting together would each pick the same free tapN: probing and creating taps take turns.
    const release = await acquireFileLock(join(store.root, '.config', 'hivedesk-network.lock'), NETWORK_LOCK_WAIT_MS, 'setting up guest networks');
    let plan: BootPlan;
    try {
      plan = planBoot({ guest, guestDir, datastoreDir: store.root, settings, facts: await probeHost(runner, settings, guest, guestDir, store.root) });
    } catch (err) {
      await release();
      return this.finish({ at: now(), exitCode: null, fault: (err as Error).message }, false);
    }
    if (plan.warnings.length) {
      await release();
      return this.finish({ at: now(), exitCode: null, fault: plan.warnings.join(' ') }, false);
    }
    await writeFileAtomic(this.files.lock, `${settings.hostname}\n`);
    // Every boot of this run uses this plan: settings saved from now on apply at the next start.
    await recordBootedConf(guestDir, serializeConf(doc));
    await store.writeConsoles(name, { ...plan.consoles, ...(plan.vnc ? { vnc: plan.vnc } : {}) });
    await startSerialLogs(guestDir, Object.keys(plan.consoles));
    await this.log(`${name}: starting${guest.installMedia ? ` (installing from ${guest.installMedia})` : ''}`);
    let outcome: LastExit;
    try {
      try {
        for (const command of plan.setup) await runner.check(command.argv);
      } finally {
        await release();
      }
      outcome = await this.bootLoop(guest, plan);
    } catch (err) {
      outcome = { at: now(), exitCode: null, fault: (err as Error).message };
    }
    for (const command of plan.teardown) await runner.run(command.argv);
    if (!outcome.fault && guest.installMedia) await this.detachInstallMedia();
    return this.finish(outcome, true);
  }

  private async bootLoop(guest: GuestConfig, plan: BootPlan): Promise<LastExit> {
    for (let boot = 0; ; boot++) {
      if (this.stopping) return { at: now(), exitCode: null };
      const step: BootStep = boot === 0 ? plan.first : plan.later;
      await writeFile(this.files.state, 'bootloader\n');
      // vm-guest writes device.map and grub.cfg before every load.
      for (const file of step.files) await writeFileAtomic(file.path, file.content);
      if (step.loader) {
        const loaded = await this.runChild(step.loader.argv, 'loader');
        if (loaded.exitCode !== 0) {
          await this.o.runner.run(plan.destroy.argv);
          return this.stopped(loaded, this.stopping ? undefined : `the loader ${step.loader.argv.find((a) => a.includes('bhyve'))} exited with status ${loaded.exitCode ?? loaded.signal}`);
        }
      }
      if (this.stopping) {
        await this.o.runner.run(plan.destroy.argv);
        return { at: now(), exitCode: null };
      }
      const { exited, started } = await this.runBhyve(step.bhyve.argv);
      await this.o.runner.run(plan.destroy.argv);
      await Promise.all(plan.sockets.map((socket) => rm(socket, { force: true })));
      const code = exited.exitCode;
      const status = `bhyve exited with status ${code ?? exited.signal} (${meaning(code)})`;
      await this.log(`${this.o.name}: ${status}${started ? '' : ' before it started the guest'}`);
      if (!started && !this.stopping) return this.fault(exited, `${this.o.name} did not start: ${status} before it started the guest`);
      if (code !== null && !this.stopping && exitAction(guest, code) === 'restart') continue;
      if (code === 0 || code === 1 || code === 2) return { at: now(), exitCode: code };
      return this.stopped(exited, status);
    }
  }

  /**
   * Runs bhyve and says `running` only once bhyve has taken its title, that is once it has
   * accepted its options and set up every device; a bhyve that refuses them exits before that.
   */
  private async runBhyve(argv: readonly string[]): Promise<{ exited: RunResult; started: boolean }> {
    let ended = false;
    const exited = this.runChild(argv, 'bhyve').finally(() => (ended = true));
    const titled = await this.untilTitled(this.child?.pid, () => ended);
    if (titled) await writeFile(this.files.state, 'running\n');
    const result = await exited;
    return { exited: result, started: titled || GUEST_EXITS.has(result.exitCode ?? -1) };
  }

  /**
   * Polls the process list until bhyve has its title or has ended. `ps` works on FreeBSD without
   * procfs; only a process under the one we started counts (doas execs bhyve, sudo forks it).
   */
  private async untilTitled(pid: number | undefined, ended: () => boolean): Promise<boolean> {
    const title = bhyveTitle(this.o.name);
    const since = Date.now();
    while (pid !== undefined && !ended()) {
      // One record in the log for all the polls of this start (they repeat every 100 ms at first).
      const ps = await this.o.runner.run(['ps', '-A', '-ww', '-o', 'pid=,ppid=,args='], { timeoutMs: 5000, logKey: `bhyve-title:${pid}` });
      if (hasTitledDescendant(ps.stdout, pid, title)) return true;
      await waitUntil(ended, Date.now() - since < TITLE_FAST_FOR_MS ? TITLE_POLL_MS : TITLE_POLL_SLOW_MS);
    }
    return false;
  }

  private async runChild(argv: readonly string[], what: 'loader' | 'bhyve'): Promise<RunResult> {
    const running = this.o.runner.start(argv, { timeoutMs: 0, logFile: this.files.log, processGroup: true });
    this.child = { pid: running.pid, what };
    const result = await running.result;
    this.child = undefined;
    return result;
  }

  private async stopped(result: RunResult, fault: string | undefined): Promise<LastExit> {
    if (!fault) return { at: now(), exitCode: result.exitCode };
    return this.fault(result, `${this.o.name} stopped: ${fault}`);
  }

  /** A fault names its cause and ends with the guest log's tail, where bhyve's own messages are. */
  private async fault(result: RunResult, what: string): Promise<LastExit> {
    const tail = await logTail(this.files);
    return { at: now(), exitCode: result.exitCode, fault: `${what}.${tail ? `\nLast lines of vm-bhyve.log:\n${tail}` : ''}` };
  }

  /** vm-bhyve's install lasts until the guest fully stops; after that it boots from its disk. */
  private async detachInstallMedia(): Promise<void> {
    const doc = await this.o.store.read(this.o.name);
    if (doc) await this.o.store.write(this.o.name, removeKey(doc, KEY.installMedia));
  }

  private async finish(outcome: LastExit, ran: boolean): Promise<LastExit> {
    await writeFileAtomic(this.files.lastExit, `${JSON.stringify(outcome)}\n`).catch(() => undefined);
    await this.log(`${this.o.name}: stopped${outcome.fault ? ` (fault: ${outcome.fault.split('\n')[0]})` : ''}`);
    if (ran) await Promise.all([removeRunState(this.files), forgetBootedConf(this.o.store.guestDir(this.o.name))]);
    return outcome;
  }

  private async log(line: string): Promise<void> {
    await appendFile(this.files.log, `${new Date().toISOString()}: ${line}\n`).catch(() => undefined);
  }
}

const now = () => new Date().toISOString();

/**
 * vm::handle_exit: a reset (exit 0) does on_restart (default restart), poweroff and halt (1, 2) stop, a fault (3 and
 * up) does on_fault (default shutdown). Any value but "restart" stops.
 */
function exitAction(guest: GuestConfig, code: number): 'restart' | 'shutdown' {
  if (code === 1 || code === 2) return 'shutdown';
  return (code === 0 ? guest.onRestart : guest.onFault) === 'restart' ? 'restart' : 'shutdown';
}

const meaning = (code: number | null) => (code === null ? undefined : BHYVE_EXIT[code]?.meaning) ?? 'killed';
