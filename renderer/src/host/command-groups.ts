import type { CommandRecord } from '../../../shared/api/host.js';

export interface CommandGroup {
  /** The newest run of the group: its time, duration and outcome are the ones shown. */
  command: CommandRecord;
  count: number;
}

/**
 * Runs of the same command in a row that ended the same way (a poll: `ps` while bhyve starts)
 * show as one line with a count, so they do not push everything else out of sight. Every run is
 * still in the log; a command still running, or one that ended otherwise, starts a new line.
 */
export function groupRepeats(commands: readonly CommandRecord[]): CommandGroup[] {
  const groups: CommandGroup[] = [];
  for (const command of commands) {
    const last = groups.at(-1);
    if (last && sameRun(last.command, command)) groups[groups.length - 1] = { command, count: last.count + 1 };
    else groups.push({ command, count: 1 });
  }
  return groups;
}

function sameRun(a: CommandRecord, b: CommandRecord): boolean {
  if (a.running || b.running || a.exitCode !== b.exitCode || a.signal !== b.signal || a.error !== b.error) return false;
  return a.argv.length === b.argv.length && a.argv.every((arg, i) => arg === b.argv[i]);
}
