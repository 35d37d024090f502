import { lstat, mkdir } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { CheckArea, FixOptions, FixPlan, FixResult, FixStep, HostCheck } from '../../shared/api/host-setup.js';
import type { BhyveSettings } from '../backends/bhyve/settings.js';
import { writeFileAtomic } from '../host/atomic-write.js';
import type { HostRunner } from '../host/run.js';
import { AppError } from '../errors.js';
import { type CheckDef, runCheck, type SetupContext } from './check.js';
import { HostAccess } from './host-access.js';
import { planFix, type RunStep } from './plan.js';
import { allChecks, areasFor, type HostKind } from './registry.js';

export interface HostSetupOptions {
  kind: HostKind;
  /** Where the host's files are: / for this host, a mounted system or the simulator's sandbox otherwise. */
  root: string;
  runner: HostRunner;
  /** false under `doctor --root`: no command runs, and fixes name files under the root. */
  live: boolean;
  settings: BhyveSettings;
  /** The account checks are about (HIVEDESK_USER, else this process's when live; none under --root). */
  user?: string;
  guestLoaders: () => Promise<string[]>;
  stagingDir?: string;
}

/** The Host setup view and `hivedesk doctor`: checks, each fix's exact plan, and running a fix the user saw. */
export class HostSetup {
  private readonly defs: CheckDef[];
  private readonly user: string | undefined;
  private readonly stagingDir: string;

  constructor(private readonly o: HostSetupOptions) {
    this.defs = allChecks(o.runner);
    const me = userInfo();
    this.user = o.user ?? (o.live ? me.username : undefined);
    this.stagingDir = o.stagingDir ?? join(tmpdir(), `hivedesk-host-setup-${me.uid}`);
  }

  async checks(asked: readonly CheckArea[] = [], options: FixOptions = {}): Promise<HostCheck[]> {
    const ctx = this.context(options);
    const areas = await areasFor(this.o.kind, ctx.host, asked);
    const results = await Promise.all(this.defs.filter((d) => areas.includes(d.area)).map((d) => runCheck(d, ctx)));
    return results.map(({ fix, ...check }) => ({ ...check, ...(fix ? { fix: planFix(ctx, fix).plan } : {}) }));
  }

  async plan(id: string, options: FixOptions = {}): Promise<FixPlan> {
    return (await this.planned(id, options)).plan;
  }

  /** Runs the fix only if it is still exactly the plan the user was shown; stops at the first failure. */
  async run(id: string, options: FixOptions, digest: string): Promise<FixResult> {
    const { plan, steps, area } = await this.planned(id, options);
    if (plan.digest !== digest) throw new AppError('conflict', 'The host changed since these commands were shown: look at them again before running them.');
    const done: FixStep[] = [];
    for (const step of steps) {
      const result = await this.runStep(step);
      done.push(result);
      if (result.exitCode !== 0) break;
    }
    const ok = done.length === steps.length && done.every((s) => s.exitCode === 0);
    return { ok, steps: done, checks: await this.checks([area]) };
  }

  private async planned(id: string, options: FixOptions) {
    const def = this.defs.find((d) => d.id === id);
    if (!def) throw new AppError('not_found', `There is no host check "${id}".`);
    const ctx = this.context(options);
    const result = await runCheck(def, ctx);
    if (!result.fix) throw new AppError('conflict', result.status === 'ok' ? `${def.title}: nothing to fix.` : `${def.title}: Hivedesk has no fix for this. ${result.manual ?? ''}`.trim());
    return { ...planFix(ctx, result.fix), area: def.area };
  }

  private async runStep(step: RunStep): Promise<FixStep> {
    try {
      if (step.stage) await this.stage(step.stage.path, step.stage.text);
    } catch (err) {
      return { argv: step.argv, exitCode: null, stderr: `staging ${step.stage?.path}: ${err instanceof Error ? err.message : String(err)}` };
    }
    const result = await this.o.runner.run(step.argv, { timeoutMs: step.timeoutMs ?? 120_000 });
    return { argv: step.argv, exitCode: result.exitCode, stderr: result.stderr.trim() };
  }

  /** The staged copy root installs: in our own 0700 directory, so no one else can swap it before install reads it. */
  private async stage(path: string, text: string): Promise<void> {
    await mkdir(this.stagingDir, { recursive: true, mode: 0o700 });
    const info = await lstat(this.stagingDir);
    if (!info.isDirectory() || info.uid !== process.getuid?.() || (info.mode & 0o077) !== 0) {
      throw new Error(`${this.stagingDir} is not a private directory of this user; remove it and try again`);
    }
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, text, 0o600);
  }

  private context(options: FixOptions): SetupContext {
    const me = userInfo();
    const { settings } = this.o;
    const ownSession = this.o.live && this.user === me.username && process.getgroups;
    return {
      host: new HostAccess(this.o.root, this.o.live ? this.o.runner : undefined),
      user: this.user,
      ...(ownSession ? { sessionGroups: process.getgroups?.() ?? [] } : {}),
      privilege: settings.privilege,
      firmwareDir: this.o.live ? settings.paths.firmwareDir : join(this.o.root, settings.paths.firmwareDir),
      devDir: settings.paths.devDir,
      stagingDir: this.stagingDir,
      options,
      guestLoaders: this.o.guestLoaders,
    };
  }
}
