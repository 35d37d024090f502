import { realpath } from 'node:fs/promises';
import { ConsolePort } from '../../shared/api/consoles.js';
import { AppError } from '../errors.js';
import type { Datastore } from '../datastore/datastore.js';
import type { CommandLog } from '../host/command-log.js';
import { waitUntil } from '../host/wait.js';
import { letCuOpen } from './cu-access.js';
import { ConsoleSession } from './session.js';

/** One shared session per guest serial port, opened on first use and ended when the guest stops. */
export class ConsoleManager {
  private readonly sessions = new Map<string, ConsoleSession>();
  /** Sessions whose cu is still exiting; a new one on the same line waits, or cu says "Line in use". */
  private readonly ending = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Datastore,
    private readonly log: CommandLog,
    /** Whether the guest is up: a stopped guest's console file may name a pty that is now someone else's. */
    private readonly isUp: (name: string) => Promise<boolean>,
    /** Input speed of the guests' lines, bytes per second (see InputPacer); the real line's by default. */
    private readonly inputBytesPerSecond?: number,
  ) {}

  async session(name: string, port: ConsolePort): Promise<ConsoleSession> {
    const key = `${name}:${port}`;
    const existing = this.sessions.get(key);
    if (existing) return existing;
    await this.ending.get(key);
    if (!(await this.isUp(name))) throw new AppError('conflict', `${name} is not running: start it to use its console.`);
    const device = await this.device(name, port);
    await letCuOpen(device);
    const again = this.sessions.get(key);
    if (again) return again;
    const rate = this.inputBytesPerSecond ? { inputBytesPerSecond: this.inputBytesPerSecond } : {};
    const session: ConsoleSession = new ConsoleSession({ device, log: this.log, onEnd: () => this.retire(key, session), ...rate });
    this.sessions.set(key, session);
    return session;
  }

  /**
   * The real path of a port's device, once it exists: a starting guest may not have written its
   * console file yet, and a null-modem pair appears only when the loader or bhyve opens it. The
   * real path, because cu may run as another user (uucp) that cannot pass through our directories.
   */
  private async device(name: string, port: ConsolePort): Promise<string> {
    let listed: string | undefined;
    let real: string | undefined;
    await waitUntil(
      async () => {
        listed = (await this.store.readConsoles(name))[port];
        real = listed === undefined ? undefined : await realpath(listed).catch(() => undefined);
        return real !== undefined;
      },
      DEVICE_WAIT_MS,
      100,
    );
    if (real) return real;
    throw listed === undefined ? new AppError('conflict', `${name} has no ${port} console.`) : new AppError('unavailable', `The console device ${listed} did not appear.`);
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
    await waitUntil(async () => settled || (await this.isUp(name).catch(() => false)), DEVICE_WAIT_MS, 50);
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

/** For the console file and then the device to appear (each could take seconds on a loaded host). */
const DEVICE_WAIT_MS = 20_000;
