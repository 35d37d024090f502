import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { FileDiff, FixPlan } from '../../shared/api/host-setup.js';
import type { FileChange, Fix, SetupContext } from './check.js';

/** What the fix runner does for one command: run it, after staging a file when it installs one. */
export interface RunStep {
  argv: string[];
  timeoutMs?: number;
  stage?: { path: string; text: string };
}

export interface PlannedFix {
  plan: FixPlan;
  steps: RunStep[];
}

/**
 * Turns a fix into what the user sees (commands, one diff per file, warnings) and what runs. A staged file is
 * put in place by `install -S` (a temp file and a rename, so readers never see half a file) with the owner
 * and mode the file had.
 */
export function planFix(ctx: SetupContext, fix: Fix): PlannedFix {
  const steps: RunStep[] = [];
  const changes: FileChange[] = [];
  for (const step of fix.steps) {
    if ('install' in step) {
      const staged = join(ctx.stagingDir, step.install.path);
      const { uid, gid, mode } = step.owner;
      const argv = [...ctx.privilege, 'install', '-S', '-o', String(uid), '-g', String(gid), '-m', mode.toString(8).padStart(4, '0'), staged, ctx.host.target(step.install.path)];
      steps.push({ argv, stage: { path: staged, text: step.install.after } });
      changes.push(step.install);
    } else {
      steps.push({ argv: step.argv, ...(step.timeoutMs ? { timeoutMs: step.timeoutMs } : {}) });
      if (step.change) changes.push(step.change);
    }
  }
  const diffs = mergeChanges(changes).map(({ path, before, after }): FileDiff => ({ path, diff: unifiedDiff(path, before, after) }));
  const commands = steps.map((s) => s.argv);
  const digest = createHash('sha256').update(JSON.stringify({ commands, changes, staged: steps.map((s) => s.stage ?? null) })).digest('hex');
  return { plan: { commands, diffs, warnings: fix.warnings ?? [], digest }, steps };
}

/** Several steps that change one file show as one diff, from what it was to what it will be. */
function mergeChanges(changes: FileChange[]): FileChange[] {
  const merged: FileChange[] = [];
  for (const change of changes) {
    const earlier = merged.find((c) => c.path === change.path);
    if (earlier) earlier.after = change.after;
    else merged.push({ ...change });
  }
  return merged;
}

export function unifiedDiff(path: string, before: string, after: string): string {
  return createTwoFilesPatch(path, path, before, after, undefined, undefined, { context: 3 })
    .split('\n')
    .filter((line) => !line.startsWith('=====') && !line.startsWith('Index: '))
    .join('\n')
    .trimEnd();
}
