import type { ConsolePort } from '../../shared/api/consoles.js';
import { AppError } from '../app/errors.js';
import type { Datastore } from '../datastore/datastore.js';
import type { CommandLog } from '../host/command-log.js';
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
    const device = (await this.store.readConsoles(name))[port];
    if (!device) throw new AppError('conflict', `${name} has no ${port} console right now: start it first.`);
    const again = this.sessions.get(key);
    if (again) return again;
    const session = new ConsoleSession({ device, log: this.log, onEnd: () => this.sessions.delete(key) });
    this.sessions.set(key, session);
    return session;
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
