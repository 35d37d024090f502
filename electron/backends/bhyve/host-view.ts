import { readdir } from 'node:fs/promises';
import type { ProcessTitles } from '../../host/process.js';

export type ReadProcessTitles = () => Promise<ProcessTitles>;

/**
 * What a guest's status needs from the host beyond its own directory, read once for a whole
 * list rather than once per guest: the VM instances (one readdir of /dev/vmm) and, only if some
 * guest has to ask, the process table.
 *
 * Without procfs (FreeBSD's default) no titles are known, and nothing else is run to learn them:
 * one `ps` per list would put a command in the command log every second, burying the commands
 * a user looks for there. /dev/vmm is enough on FreeBSD: bhyve (or its loader) creates the
 * instance before the guest runs, and it stays until destroyed, so every running guest has one.
 * The title check adds only a `bhyve: <vm>` process with no instance in this /dev/vmm, such as
 * the stand-in of the flow test on the FreeBSD host simulator.
 */
export class HostView {
  readonly instances: Promise<ReadonlySet<string>>;
  private titles?: Promise<ProcessTitles>;

  constructor(
    vmmDir: string,
    private readonly readTitles: ReadProcessTitles,
  ) {
    this.instances = readdir(vmmDir).then(
      (names) => new Set(names),
      () => new Set(),
    );
  }

  /** Read on the first call only: a list whose guests all run (or are locked) never reads it. */
  processTitles(): Promise<ProcessTitles> {
    this.titles ??= this.readTitles();
    return this.titles;
  }
}
