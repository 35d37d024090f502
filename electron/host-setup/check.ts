import type { CheckArea, CheckStatus, CpuVerdict, FixChoice, FixOptions, HostCheck } from '../../shared/api/host-setup.js';
import type { FileFacts, HostAccess } from './host-access.js';

/** Everything a check may look at. */
export interface SetupContext {
  host: HostAccess;
  /**
   * The account Hivedesk runs its consoles and guests for: HIVEDESK_USER, else the current one on the running
   * host; under --root only HIVEDESK_USER (see `account`).
   */
  user: string | undefined;
  /** The groups of this session, when `user` is the account this process runs as (new groups need a new login). */
  sessionGroups?: readonly number[];
  /** Prepended to every fix command (doas, sudo -n); empty as root. */
  privilege: string[];
  /** Where edk2-bhyve's firmware is, as this process reaches it (the bhyve backend's own setting). */
  firmwareDir: string;
  /** FreeBSD's /dev as this process reaches it. */
  devDir: string;
  /** Our own directory (0700) where a fix stages a file before `install` puts it in place as root. */
  stagingDir: string;
  options: FixOptions;
  /** The loaders of the guests in the datastore (grub-bhyve matters only when one uses grub). */
  guestLoaders(): Promise<string[]>;
}

/** A file a step changes: its whole text before and after. */
export interface FileChange {
  path: string;
  before: string;
  after: string;
}

/** One step of a fix: a command (maybe editing a file itself, as sysrc does), or a file Hivedesk stages and installs. */
export interface CommandStep {
  argv: string[];
  change?: FileChange;
  timeoutMs?: number;
}
export type Step = CommandStep | { install: FileChange; owner: FileFacts };

export interface Fix {
  steps: Step[];
  warnings?: string[];
}

/** What a check found. */
export interface Outcome {
  status: CheckStatus;
  summary: string;
  evidence: string[];
  verdict?: CpuVerdict;
  fix?: Fix;
  manual?: string;
  choice?: FixChoice;
}

export interface CheckDef {
  id: string;
  area: CheckArea;
  title: string;
  explanation: string;
  run(ctx: SetupContext): Promise<Outcome>;
}

export type CheckResult = Omit<HostCheck, 'fix'> & { fix?: Fix };

export const ok = (summary: string, evidence: string[], extra: Partial<Outcome> = {}): Outcome => ({ status: 'ok', summary, evidence, ...extra });
export const missing = (summary: string, evidence: string[], extra: Partial<Outcome> = {}): Outcome => ({ status: 'missing', summary, evidence, ...extra });
export const unknown = (summary: string, evidence: string[], extra: Partial<Outcome> = {}): Outcome => ({ status: 'unknown', summary, evidence, ...extra });

/** A check that cannot run under --root: it needs the running host's commands. */
export function needsLiveHost(command: string): Outcome {
  return unknown(`Needs the running host: \`${command}\` is not run when reading files under --root.`, []);
}

export async function runCheck(def: CheckDef, ctx: SetupContext): Promise<CheckResult> {
  let outcome: Outcome;
  try {
    outcome = await def.run(ctx);
  } catch (err) {
    // A check must never take the others down: what broke is the evidence.
    outcome = unknown(`The check itself failed: ${err instanceof Error ? err.message : String(err)}`, []);
  }
  const { fix, ...rest } = outcome;
  return { id: def.id, area: def.area, title: def.title, explanation: def.explanation, ...rest, ...(fix && outcome.status !== 'ok' ? { fix } : {}) };
}
