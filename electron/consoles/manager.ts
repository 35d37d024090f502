import { ConsolePort } from '../../shared/api/consoles.js';
import type { ConsoleBadgeChange, ConsoleBadges } from '../../shared/api/console-badges.js';
import type { ConsoleHolder } from '../../shared/api/console-protocol.js';
import { AppError } from '../errors.js';
import { waitForExit } from '../host/process.js';
import type { HostRunner } from '../host/run.js';
import type { DisplayTarget } from './display-target.js';
import type { ConsoleEndpoint } from './endpoint.js';
import { lineHolder } from './line-holder.js';
import type { CommandLog } from '../host/command-log.js';
import { waitUntil } from '../host/wait.js';
import { ConsoleSession } from './session.js';
import type { SerialLog } from './serial-log.js';

export interface ConsoleManagerOptions {
  log: CommandLog;
  /** How a guest's port is reached, as its backend says (cu on a device, `xl console`, a socket). */
  endpoint: (name: string, port: ConsolePort) => Promise<ConsoleEndpoint>;
  /** Where a running guest's screen is served, as its backend says; on loopback only. */
  display: (name: string) => Promise<DisplayTarget>;
  /** Whether the guest is up: a stopped guest's console file may name a pty that is now someone else's. */
  isUp: (name: string) => Promise<boolean>;
  /** Input speed of the guests' lines, bytes per second (see InputPacer); the real line's by default. */
  inputBytesPerSecond?: number;
  /** Every badge, when one changed. */
  onBadges?: (badges: ConsoleBadges) => void;
  /** Runs what a console needs besides cu (finding and stopping a cu that holds the line). */
  runner: HostRunner;
  /** A guest port's serial log from power-on, as its backend keeps it; without this, consoles keep none. */
  serialLog?: (name: string, port: ConsolePort) => Promise<SerialLog | undefined>;
}

/** One shared session per guest serial port, opened on first use and ended when the guest stops. */
export class ConsoleManager {
  private readonly sessions = new Map<string, ConsoleSession>();
  /** Sessions whose cu is still exiting; a new one on the same line waits, or cu says "Line in use". */
  private readonly ending = new Map<string, Promise<void>>();

  /** What each open console shows it is waiting for, by session key. */
  private readonly badges = new Map<string, ConsoleBadges[number]>();

  constructor(private readonly o: ConsoleManagerOptions) {}

  async session(name: string, port: ConsolePort): Promise<ConsoleSession> {
    const key = `${name}:${port}`;
    const existing = this.sessions.get(key);
    if (existing) return existing;
    await this.ending.get(key);
    if (!(await this.o.isUp(name))) throw new AppError('conflict', `${name} is not running: start it to use its console.`);
    const endpoint = await this.o.endpoint(name, port);
    const serialLog = await this.o.serialLog?.(name, port);
    const again = this.sessions.get(key);
    if (again) return again;
    const rate = this.o.inputBytesPerSecond ? { inputBytesPerSecond: this.o.inputBytesPerSecond } : {};
    const device = endpoint.kind === 'cu' ? endpoint.device : undefined;
    const session: ConsoleSession = new ConsoleSession({
      endpoint,
      log: this.o.log,
      onEnd: () => {
        this.retire(key, session);
        this.badge({ name, port, badge: null });
      },
      onBadge: (badge) => this.badge({ name, port, badge }),
      ...(device === undefined ? {} : { onHeld: () => void lineHolder(device, this.o.runner).then((holder) => session.setHeld(holder ?? null)) }),
      ...(serialLog ? { serialLog } : {}),
      ...rate,
    });
    this.sessions.set(key, session);
    return session;
  }

  /**
   * Stops the program outside Hivedesk that holds a console's line (a cu in someone's terminal),
   * so Hivedesk's cu gets it. Says who it stopped; refused when nothing holds it.
   */
  async takeOver(name: string, port: ConsolePort): Promise<ConsoleHolder> {
    const session = this.find(name, port);
    const device = session?.device;
    const holder = device === undefined ? undefined : await lineHolder(device, this.o.runner);
    if (!session || !holder) throw new AppError('conflict', `Nothing outside Hivedesk holds ${name}'s ${port} now.`);
    const kill = await this.o.runner.run(['kill', '-TERM', String(holder.pid)], { timeoutMs: 5000 });
    if (kill.exitCode !== 0) {
      throw new AppError('host_command_failed', `Could not stop ${holder.user}'s ${holder.command} (pid ${holder.pid}): ${kill.stderr.trim() || `exit ${kill.exitCode}`}. Stop it where it runs, or ask ${holder.user} to.`);
    }
    await waitForExit(holder.pid, 3000);
    session.retryNow();
    return holder;
  }

  /** Where a running guest's screen is served, on loopback only. */
  async display(name: string): Promise<DisplayTarget> {
    if (!(await this.o.isUp(name))) throw new AppError('conflict', `${name} is not running: start it to see its screen.`);
    return this.o.display(name);
  }

  /** The badges of the consoles open now. */
  listBadges(): ConsoleBadges {
    return [...this.badges.values()];
  }

  private badge({ name, port, badge }: ConsoleBadgeChange): void {
    const key = `${name}:${port}`;
    if (badge) this.badges.set(key, { name, port, badge });
    else if (!this.badges.delete(key)) return;
    this.o.onBadges?.(this.listBadges());
  }

  private retire(key: string, session: ConsoleSession): void {
    this.sessions.delete(key);
    const closed = session.closed.then(() => {
      if (this.ending.get(key) === closed) this.ending.delete(key);
    });
    this.ending.set(key, closed);
  }

  /**
   * Opens a starting guest's consoles as soon as it is up (or once `start` settled), so cu is
   * there for its loader and first boot messages; best effort, like openAll.
   */
  async openWhenUp(name: string, ports: readonly string[], start: Promise<unknown>): Promise<void> {
    let settled = false;
    const done = () => (settled = true);
    start.then(done, done);
    await waitUntil(async () => settled || (await this.o.isUp(name).catch(() => false)), UP_WAIT_MS, 50);
    await this.openAll(name, ports);
  }

  /** Best effort: a tab opened later tries again and shows why it could not attach. */
  async openAll(name: string, ports: readonly string[]): Promise<void> {
    for (const port of ports) {
      const parsed = ConsolePort.safeParse(port);
      if (parsed.success) await this.session(name, parsed.data).catch(() => undefined);
    }
  }

  find(name: string, port: ConsolePort): ConsoleSession | undefined {
    return this.sessions.get(`${name}:${port}`);
  }

  /** Ends the sessions of guests that are no longer running, so no `cu` is left behind. */
  endAllExcept(running: ReadonlySet<string>): void {
    for (const [key, session] of this.sessions) {
      const name = key.slice(0, key.lastIndexOf(':'));
      if (!running.has(name)) session.end(`${name} stopped`);
    }
  }

  /** Ends a guest's sessions from an earlier run (its devices may be new) and waits for their cu. */
  async endGuest(name: string, reason: string): Promise<void> {
    for (const [key, session] of this.sessions) if (key.startsWith(`${name}:`)) session.end(reason);
    await Promise.all([...this.ending].filter(([key]) => key.startsWith(`${name}:`)).map(([, closed]) => closed));
  }

  /** Ends every session; settles once their cu have exited. */
  async endAll(reason: string): Promise<void> {
    for (const session of this.sessions.values()) session.end(reason);
    await Promise.all(this.ending.values());
  }
}

/** For a starting guest to come up (its loader may take seconds on a loaded host). */
const UP_WAIT_MS = 20_000;
