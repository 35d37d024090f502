import { realpath } from 'node:fs/promises';
import { ConsolePort } from '../../shared/api/consoles.js';
import { AppError } from '../app/errors.js';
import type { Datastore } from '../datastore/datastore.js';
import type { CommandLog } from '../host/command-log.js';
import { letCuOpen } from './cu-access.js';
import { ConsoleSession } from './session.js';

/** One shared session per guest serial port, opened on first use and ended when the guest stops. */
export class ConsoleManager {
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(
    private readonly store: Datastore,
    private readonly log: CommandLog,
  ) {}

  async session(name: string, port: ConsolePort): Promise<ConsoleSession> {
    const key = `${name}:${port}`;
    const existing = this.sessions.get(key);
    if (existing) return existing;
    const listed = (await this.store.readConsoles(name))[port];
    if (!listed) throw new AppError('conflict', `${name} has no ${port} console right now: start it first.`);
    // cu may run as another user (uucp) that cannot pass through our directories: give it the real device.
    const device = await realpath(listed).catch(() => listed);
    await letCuOpen(device);
    const again = this.sessions.get(key);
    if (again) return again;
    const session = new ConsoleSession({ device, log: this.log, onEnd: () => this.sessions.delete(key) });
    this.sessions.set(key, session);
    return session;
  }

  async openAll(name: string, ports: readonly string[]): Promise<void> {
    for (const port of ports) {
      const parsed = ConsolePort.safeParse(port);
      if (parsed.success) await this.session(name, parsed.data);
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

  endAll(reason: string): void {
    for (const session of this.sessions.values()) session.end(reason);
  }
}
