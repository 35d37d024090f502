import { realpath } from 'node:fs/promises';
import { ConsolePort } from '../../shared/api/consoles.js';
import { AppError } from '../app/errors.js';
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
  ) {}

  async session(name: string, port: ConsolePort): Promise<ConsoleSession> {
    const key = `${name}:${port}`;
    const existing = this.sessions.get(key);
    if (existing) return existing;
    await this.ending.get(key);
    if (!(await this.isUp(name))) throw new AppError('conflict', `${name} is not running: start it to use its console.`);
    // A guest that is still starting may not have written its console file yet.
    let listed: string | undefined;
    await waitUntil(async () => (listed = (await this.store.readConsoles(name))[port]) !== undefined, DEVICE_WAIT_MS, 100);
    if (!listed) throw new AppError('conflict', `${name} has no ${port} console.`);
    // cu may run as another user (uucp) that cannot pass through our directories: give it the real device.
    const device = await appeared(listed);
    await letCuOpen(device);
    const again = this.sessions.get(key);
    if (again) return again;
    const session: ConsoleSession = new ConsoleSession({ device, log: this.log, onEnd: () => this.retire(key, session) });
    this.sessions.set(key, session);
    return session;
  }

  private retire(key: string, session: ConsoleSession): void {
    this.sessions.delete(key);
    const closed = session.closed.then(() => {
      if (this.ending.get(key) === closed) this.ending.delete(key);
    });
    this.ending.set(key, closed);
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

  endAll(reason: string): void {
    for (const session of this.sessions.values()) session.end(reason);
  }
}

const DEVICE_WAIT_MS = 10_000;

/**
 * The real path of a console device, once it exists: a null-modem pair appears when the
 * loader or bhyve first opens it, a moment after the guest was started.
 */
async function appeared(device: string): Promise<string> {
  let real: string | undefined;
  const found = await waitUntil(async () => (real = await realpath(device).catch(() => undefined)) !== undefined, DEVICE_WAIT_MS, 100);
  if (!found || !real) throw new AppError('unavailable', `The console device ${device} did not appear.`);
  return real;
}
