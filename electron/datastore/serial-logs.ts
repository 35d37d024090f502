import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hivedeskDir } from './conf-history.js';

/**
 * A guest's serial output, kept from power-on: `.hivedesk/console-<port>.log` holds this run,
 * `.log.1` the run before it (or the older part of this one, once the log reached its cap).
 * Kept in Hivedesk's own directory so a clone leaves it out and vm-bhyve never sees it.
 */
export function serialLogPath(guestDir: string, port: string): string {
  return join(hivedeskDir(guestDir), `console-${port}.log`);
}

export function olderSerialLog(path: string): string {
  return `${path}.1`;
}

/** What a log may grow to before its older part moves to `.1`: a few boots' worth, never the disk. */
export const SERIAL_LOG_CAP = 4 * 1024 * 1024;

/** At a start: last run's logs become `.1`, so the log holds this run from its first byte. */
export async function startSerialLogs(guestDir: string, ports: readonly string[]): Promise<void> {
  await mkdir(hivedeskDir(guestDir), { recursive: true });
  for (const port of ports) {
    const path = serialLogPath(guestDir, port);
    const size = await stat(path).then((s) => s.size, () => 0);
    if (size > 0) await rename(path, olderSerialLog(path));
  }
}
