import { appendFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { CommandRecord } from '../../shared/api/host.js';
import type { CommandLog } from './command-log.js';

/**
 * A detached Hivedesk process (a guest's supervisor, a job) keeps its command log in a file of
 * JSON lines, one per start and end of a command, so the GUI can show those commands too.
 */
export function appendCommandsTo(log: CommandLog, path: string): void {
  log.onDidRecord((record) => appendFileSync(path, `${JSON.stringify(record)}\n`));
}

/** Brings such files' commands into this process's log, reading only what was added since the last look. */
export class CommandFileImporter {
  private readonly offsets = new Map<string, number>();

  constructor(private readonly log: CommandLog) {}

  /** Opens the file only when it grew; a line still being written waits for the next look. */
  async import(path: string): Promise<void> {
    const offset = this.offsets.get(path) ?? 0;
    const size = await stat(path).then((s) => s.size, () => 0);
    if (size <= offset) return;
    const handle = await open(path, 'r').catch(() => undefined);
    if (!handle) return;
    try {
      const buffer = Buffer.alloc(size - offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      const text = buffer.subarray(0, bytesRead).toString('utf8');
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      this.offsets.set(path, offset + Buffer.byteLength(complete));
      for (const line of complete.split('\n').filter(Boolean)) {
        const record = CommandRecord.safeParse(parseJson(line));
        if (record.success) this.log.import(record.data, path);
      }
    } finally {
      await handle.close();
    }
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
