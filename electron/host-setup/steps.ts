// What several checks share: reading a config file, rc.conf's merged values, fix steps that go through
// sysrc, pkg, pw or a staged install, and group membership.

import { groupMembership } from './parse/accounts.js';
import { moduleState, sysctlValue } from './parse/kernel-state.js';
import { readShVars, type ShVar, sysrcEdit } from './parse/sh-vars.js';
import { type CheckDef, type CommandStep, type FileChange, type Fix, missing, needsLiveHost, ok, type Outcome, type SetupContext, type Step, unknown } from './check.js';

export type ConfigText = { ok: true; text: string } | { ok: false; outcome: Outcome };

/** A config file's text: a missing one is empty (its fix creates it) unless it must be there. */
export async function configText(ctx: SetupContext, path: string, required = false): Promise<ConfigText> {
  const read = await ctx.host.read(path);
  if (read.kind === 'text') return { ok: true, text: read.text };
  if (read.kind === 'missing' && !required) return { ok: true, text: '' };
  const why = read.kind === 'missing' ? `${path} does not exist.` : read.message;
  return { ok: false, outcome: unknown(`Cannot read ${path}.`, [why]) };
}

export function asRoot(ctx: SetupContext, argv: string[]): string[] {
  return [...ctx.privilege, ...argv];
}

/** A tool's own option for acting on the system under --root (`pkg -r DIR`, `pw -R DIR`); none on the running host. */
function rootOption(ctx: SetupContext, flag: string): string[] {
  return ctx.host.live ? [] : [flag, ctx.host.root];
}

export function pkgInstall(ctx: SetupContext, ...packages: string[]): Step {
  return { argv: asRoot(ctx, ['pkg', ...rootOption(ctx, '-r'), 'install', '-y', ...packages]), timeoutMs: 15 * 60_000 };
}

/**
 * A command that acts on the running system, not on files (`service devfs restart`). Under --root it would act on
 * the machine running Hivedesk, so it is left to the user as a warning instead.
 */
export function onRunningSystem(ctx: SetupContext, argv: string[]): Fix {
  if (ctx.host.live) return { steps: [{ argv: asRoot(ctx, argv) }] };
  return { steps: [], warnings: [`On the host itself, after it boots from ${ctx.host.root}: ${argv.join(' ')}`] };
}

export interface RcValue {
  value: string | null | undefined;
  /** The file sysrc would edit for this name: the one that sets it last, else /etc/rc.conf. */
  file: '/etc/rc.conf' | '/etc/rc.conf.local';
  text: string;
  line?: string;
}

export type RcConf = { ok: true; get(name: string): RcValue } | { ok: false; outcome: Outcome };

/** rc.conf, with rc.conf.local after it (rc.subr reads both, the local one last). */
export async function readRcConf(ctx: SetupContext): Promise<RcConf> {
  const files = ['/etc/rc.conf', '/etc/rc.conf.local'] as const;
  const read: { file: (typeof files)[number]; text: string; vars: ReadonlyMap<string, ShVar> }[] = [];
  for (const file of files) {
    const text = await configText(ctx, file);
    if (!text.ok) return text;
    const vars = readShVars(text.text);
    if (!vars.ok) return { ok: false, outcome: unknown(`Cannot read ${file}.`, [`${file}: ${vars.problem}`], { manual: `Fix ${file} by hand; Hivedesk does not edit a file it cannot read.` }) };
    read.push({ file, text: text.text, vars: vars.vars });
  }
  return {
    ok: true,
    get(name) {
      const last = [...read].reverse().find((r) => r.vars.has(name));
      const found = last?.vars.get(name);
      if (!last || !found) return { value: undefined, file: '/etc/rc.conf', text: read[0]?.text ?? '' };
      return { value: found.value, file: last.file, text: last.text, line: `${last.file}: ${last.text.split('\n')[found.line] ?? ''}` };
    },
  };
}

/**
 * `sysrc name=value` (or `name+=words`), with the diff of what it writes. rc.conf without -f, as the handbook
 * runs it (sysrc picks rc.conf.local itself when the name is set there); other files with -f.
 */
export function sysrcStep(ctx: SetupContext, file: string, text: string, name: string, value: string, append = false): (CommandStep & { change: FileChange }) | { problem: string } {
  const edited = sysrcEdit(text, name, value, append);
  if (!edited.ok) return { problem: `${file}: ${edited.problem}` };
  const onRcConf = file === '/etc/rc.conf' || file === '/etc/rc.conf.local';
  const where = onRcConf && ctx.host.live ? [] : ['-f', ctx.host.target(file)];
  return { argv: asRoot(ctx, ['sysrc', ...where, `${name}${append ? '+=' : '='}${value}`]), change: { path: file, before: text, after: edited.text } };
}

/** Stages the new text and installs it over the file as root, keeping its owner and mode (root:wheel 0644 when new). */
export async function installStep(ctx: SetupContext, path: string, before: string, after: string): Promise<Step> {
  const owner = (await ctx.host.facts(path)) ?? { uid: 0, gid: 0, mode: 0o644 };
  return { install: { path, before, after }, owner };
}

export type Account = { user: string } | { outcome: Outcome };

/**
 * The account the checks are about. Under --root it must be named (HIVEDESK_USER) and be in that system's
 * /etc/passwd: the account running the CLI says nothing about a mounted system or a jail.
 */
export async function account(ctx: SetupContext): Promise<Account> {
  if (ctx.user === undefined) {
    return { outcome: unknown(`No account to check: who runs Hivedesk on ${ctx.host.root} is not known.`, ['HIVEDESK_USER is not set, and under --root this process\'s own account says nothing about that system.'], { manual: `Name the account: HIVEDESK_USER=<user> hivedesk doctor --root ${ctx.host.root}` }) };
  }
  if (ctx.host.live || ctx.user === 'root') return { user: ctx.user };
  const passwd = await configText(ctx, '/etc/passwd', true);
  if (!passwd.ok) return { outcome: passwd.outcome };
  if (!passwd.text.split('\n').some((l) => l.split(':')[0] === ctx.user)) return { outcome: unknown(`There is no user ${ctx.user} in ${ctx.host.root}/etc/passwd.`, [`/etc/passwd: no line for ${ctx.user}`]) };
  return { user: ctx.user };
}

export type Membership = { member: boolean; evidence: string[] } | { outcome: Outcome; noGroup?: true };

/** Whether the user is in the group, in /etc/group and, when this is our own session, in the session too. */
export async function inGroup(ctx: SetupContext, user: string, group: string): Promise<Membership> {
  if (user === 'root') return { member: true, evidence: ['Hivedesk runs as root.'] };
  const groups = await configText(ctx, '/etc/group', true);
  if (!groups.ok) return { outcome: groups.outcome };
  const passwd = await ctx.host.read('/etc/passwd');
  const found = groupMembership(groups.text, passwd.kind === 'text' ? passwd.text : undefined, user, group);
  if (!found.ok) return { outcome: unknown(`Cannot tell whether ${user} is in ${group}.`, [found.problem]), ...(found.noGroup ? { noGroup: true as const } : {}) };
  return { member: found.member, evidence: [`/etc/group: ${found.how}`] };
}

/** The group's id, for a session check. */
export async function groupId(ctx: SetupContext, group: string): Promise<number | undefined> {
  const read = await ctx.host.read('/etc/group');
  const line = read.kind === 'text' ? read.text.split('\n').find((l) => l.split(':')[0] === group) : undefined;
  const gid = Number(line?.split(':')[2]);
  return Number.isInteger(gid) ? gid : undefined;
}

/** A group in /etc/group but not yet in this login session: the user has to log in again. */
export async function notInSession(ctx: SetupContext, user: string, group: string): Promise<boolean> {
  if (user === 'root') return false;
  const gid = await groupId(ctx, group);
  return ctx.sessionGroups !== undefined && gid !== undefined && !ctx.sessionGroups.includes(gid);
}

export function groupAdd(ctx: SetupContext, user: string, group: string): Step {
  return { argv: asRoot(ctx, ['pw', ...rootOption(ctx, '-R'), 'groupmod', group, '-m', user]) };
}

/** A check that a kernel module is in the kernel, with `kldload` as its fix. */
export function moduleCheck(def: Omit<CheckDef, 'run'>, module: string): CheckDef {
  return {
    ...def,
    async run(ctx) {
      const run = ctx.host.run(['kldstat', '-q', '-m', module]);
      if (!run) return needsLiveHost(`kldstat -q -m ${module}`);
      const state = moduleState(module, await run);
      if (state.state === 'loaded') return ok(`${module} is in the kernel.`, [state.evidence]);
      if (state.state === 'absent') return missing(`${module} is not loaded.`, [state.evidence], { fix: { steps: [{ argv: asRoot(ctx, ['kldload', module]) }] } });
      return unknown(`Cannot tell whether ${module} is loaded.`, [state.evidence]);
    },
  };
}

/** A live sysctl's value, or the outcome that it cannot be read. */
export async function liveSysctl(ctx: SetupContext, oid: string): Promise<{ value?: string; absent?: true; evidence: string } | { outcome: Outcome }> {
  const run = ctx.host.run(['sysctl', '-n', oid]);
  if (!run) return { outcome: needsLiveHost(`sysctl -n ${oid}`) };
  return sysctlValue(oid, await run);
}
