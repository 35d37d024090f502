import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { appendFile, copyFile, mkdir, rename, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { olderSerialLog, SERIAL_LOG_CAP } from '../datastore/serial-logs.js';

/**
 * Who writes a guest's serial log: the hypervisor itself, from power-on, whoever watches (QEMU's
 * chardev logfile); or Hivedesk's console session, while it is open (bhyve has no such option).
 */
export type SerialLogWriter = 'hypervisor' | 'console';

/** How often a log the hypervisor writes is measured against its cap, in bytes of output seen. */
const CHECK_EVERY = 256 * 1024;
/** Output waiting for a slow disk beyond this is left out of the log rather than held in memory. */
const PENDING_MAX = 8 * 1024 * 1024;

/** A console session's side of its port's serial log: what a late tab missed, and keeping it under its cap. */
export class SerialLog {
  private chain: Promise<void> = Promise.resolve();
  private size = 0;
  private pending = 0;
  private sinceCheck = 0;
  private failed = false;

  constructor(
    readonly path: string,
    readonly writer: SerialLogWriter,
    private readonly cap = SERIAL_LOG_CAP,
  ) {}

  /**
   * The newest `max` bytes of the log, from a line start: the boot a tab opened late did not see.
   * Read at once (at most a replay's worth), so nothing the line says next can come before it.
   */
  history(max: number): Buffer {
    let fd: number | undefined;
    try {
      fd = openSync(this.path, 'r');
      this.size = fstatSync(fd).size;
      const start = Math.max(0, this.size - max);
      const tail = Buffer.alloc(this.size - start);
      const read = readSync(fd, tail, 0, tail.length, start);
      const text = tail.subarray(0, read);
      const firstLine = start > 0 ? text.indexOf(0x0a) + 1 : 0;
      return text.subarray(firstLine);
    } catch {
      return Buffer.alloc(0);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Output the session read: written down when nobody else does, and the cap kept either way. */
  record(chunk: Buffer): void {
    if (this.failed) return;
    if (this.writer === 'hypervisor') {
      this.sinceCheck += chunk.length;
      if (this.sinceCheck < CHECK_EVERY) return;
      this.sinceCheck = 0;
      return this.enqueue(() => this.trimHypervisorLog());
    }
    if (this.pending + chunk.length > PENDING_MAX) return;
    this.pending += chunk.length;
    this.enqueue(async () => {
      this.pending -= chunk.length;
      if (this.size > 0 && this.size + chunk.length > this.cap) {
        await rename(this.path, olderSerialLog(this.path));
        this.size = 0;
      }
      if (this.size === 0) await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, chunk);
      this.size += chunk.length;
    });
  }

  /** Settles once everything recorded so far is on disk (or given up on). */
  flushed(): Promise<void> {
    return this.chain;
  }

  /**
   * The hypervisor appends (O_APPEND) to a file it keeps open: its older part is copied to `.1`
   * and the file emptied, and the hypervisor's next write lands at its new start.
   */
  private async trimHypervisorLog(): Promise<void> {
    if ((await stat(this.path)).size <= this.cap) return;
    await copyFile(this.path, olderSerialLog(this.path));
    await truncate(this.path, 0);
  }

  /**
   * One write at a time, in order; a log that cannot be written is left alone from then on, never the console.
   * Not named `then`: that would make a SerialLog a thenable, which `await` unwraps to undefined.
   */
  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch(() => {
      this.failed = true;
    });
  }
}
