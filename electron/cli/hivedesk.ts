import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { quoteArgv } from '../../shared/shell-words.js';
import type { Job } from '../../shared/api/jobs.js';
import { SnapshotName, type SnapshotList } from '../../shared/api/lifecycle.js';
import { z } from 'zod';
import { BackendId, CreateVmInput, isUp, StartPlan, type VmSummary } from '../../shared/api/vms.js';
import { PROFILE_IDS, PROFILES } from '../../shared/profiles.js';
import { HostPath, VmName } from '../../shared/validation.js';
import { type HostCheck, NicName } from '../../shared/api/host-setup.js';
import { type Core, createCore, hostBackend } from '../app/core.js';
import { startAll } from '../lifecycle/startall.js';
import { AppError } from '../errors.js';
import { defaultDatastore } from '../app/host.js';
import { defaultSettingsFile, startupDatastore } from '../app/last-datastore.js';
import type { DatastoreLocation } from '../datastore/vm-dir.js';
import type { Plan } from '../backends/backend.js';
import { backendChoices, describeExit } from '../backends/registry.js';
import { Datastore } from '../datastore/datastore.js';
import { CommandLog } from '../host/command-log.js';
import { HostCommandError, HostRunner } from '../host/run.js';
import { createHostSetup } from '../host-setup/create.js';

const USAGE = `usage: hivedesk <command> [--datastore DIR] [--backend ${backendChoices()}]
  list [--json]              the guests and their state
  create <vm> [--profile P] [--cpus N] [--memory SIZE] [--disk-size SIZE] [--install-media ISO]
                             make a guest as the New VM wizard does (P: ${PROFILE_IDS.join('|')})
  plan create <vm> [...]     print the commands and files 'create' would run and write (runs nothing)
  plan start <vm>            print the host commands 'start' would run (runs nothing)
  plan install <vm> <iso>    print the host commands 'install' would run (runs nothing)
                             plan --json prints {commands, files: [{path, content}], warnings, notes}
  start <vm>                 boot a guest
  install <vm> <iso>         boot a guest from an ISO until it fully stops
  stop <vm>                  press the guest's ACPI power button
  poweroff <vm>              end the guest at once
  startall                   start the guests marked "Start at boot", in order (what the boot unit runs)
  clone <vm> <new-name>      copy a stopped guest as a new one (a job; waits for it)
  rename <vm> <new-name>     give a stopped guest another name
  snapshot <vm> [<name>]     take a ZFS snapshot of a stopped guest
  snapshots <vm>             list a guest's ZFS snapshots
  doctor [--json] [--root DIR] [--xen] [--virtualbox] [--nic NIC]
                             check what this host needs to run guests, with the fix for each
                             (runs nothing that changes the host; exit 1 when something is missing)`;

class UsageError extends Error {}

/**
 * `--datastore`, else the one the GUI opened last (its settings file, read as the GUI reads it), else the default;
 * when not given, stderr says which, so a script never acts on a datastore it did not expect without a word.
 */
async function chooseDatastore(given: string | undefined): Promise<DatastoreLocation> {
  const fallback = defaultDatastore();
  const start = await startupDatastore({ ...(given ? { given: resolve(given) } : {}), settingsFile: defaultSettingsFile(), fallback });
  if (start.warning) console.error(`hivedesk: ${start.warning}`);
  const { path, zfsDataset } = start.location;
  const which = path === fallback ? 'the default' : 'the one Hivedesk opened last';
  if (!given) console.error(`hivedesk: datastore ${path}${zfsDataset ? ` (zfs:${zfsDataset})` : ''}, ${which}; --datastore picks another`);
  return start.location;
}

/** The CLI: the same services as the GUI, for scripts and for reviewing a plan before running it. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  if (values.help || positionals.length === 0) return usage(values.help ? 0 : 2);
  const backend = values.backend === undefined ? undefined : BackendId.safeParse(values.backend);
  if (backend && !backend.success) throw new UsageError(`--backend must be one of ${backendChoices()}, not "${values.backend}"`);
  if (positionals[0] === 'doctor') return doctor(values, backend?.data ?? hostBackend());
  const { path: datastore, zfsDataset } = await chooseDatastore(values.datastore);
  const core = await createCore({ datastore, ...(zfsDataset ? { zfsDataset } : {}), ...(backend ? { backend: backend.data } : {}) });
  const [command, ...rest] = positionals;
  const vm = () => parse(VmName, rest[command === 'plan' ? 1 : 0], 'VM name');
  const json = values.json ?? false;
  const newName = () => parse(VmName, rest[1], 'new name');
  const iso = (at: number) => parse(HostPath, rest[at], 'ISO path');
  switch (command) {
    case 'list':
      return printList(await core.vms.listVms(), json);
    case 'create':
      return printVm(await core.vms.createVm(createInput(values, vm(), backend?.data)), json);
    case 'plan': {
      const show = (plan: Plan) => (json ? printJson(StartPlan.parse(plan)) : printPlan(plan));
      if (rest[0] === 'create') return show(await core.vms.planCreateVm(createInput(values, vm(), backend?.data)));
      if (rest[0] === 'start') return show(await core.vms.planStartVm(vm()));
      if (rest[0] === 'install') return show(await core.vms.planStartVm(vm(), iso(2)));
      throw new UsageError(`plan takes 'create <vm>', 'start <vm>' or 'install <vm> <iso>'`);
    }
    case 'start':
      return printVm(await core.vms.startVm(vm()));
    case 'install':
      return printVm(await core.vms.installVm(vm(), iso(1)));
    case 'stop':
      return printVm(await core.vms.stopVm(vm()));
    case 'poweroff':
      return printVm(await core.vms.powerOffVm(vm()));
    case 'startall':
      return startAllGuests(core);
    case 'clone':
      return waitForJob(core, await core.lifecycle.cloneVm({ name: vm(), newName: newName() }));
    case 'rename':
      return printVm(await core.lifecycle.renameVm({ name: vm(), newName: newName() }));
    case 'snapshot': {
      const name = vm();
      const snapshot = rest[1] === undefined ? undefined : parse(SnapshotName, rest[1], 'snapshot name');
      const made = await core.snapshots.take({ name, snapshot });
      return console.log(`${name}@${made.name}`), 0;
    }
    case 'snapshots':
      return printSnapshots(await core.snapshots.list(vm()));
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        datastore: { type: 'string' },
        backend: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
        root: { type: 'string' },
        xen: { type: 'boolean', default: false },
        virtualbox: { type: 'boolean', default: false },
        nic: { type: 'string' },
        profile: { type: 'string' },
        cpus: { type: 'string' },
        memory: { type: 'string' },
        'disk-size': { type: 'string' },
        'install-media': { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: string | undefined, what: string): T {
  if (value === undefined) throw new UsageError(`missing ${what}`);
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${what} "${value}": ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}

function usage(code: number): number {
  (code === 0 ? console.log : console.error)(USAGE);
  return code;
}

function printList(vms: VmSummary[], json: boolean): number {
  if (json) return console.log(JSON.stringify(vms, null, 2)), 0;
  const rows = [['NAME', 'STATE', 'BACKEND', 'CPU', 'MEMORY'], ...vms.map((v) => [v.name, v.state === 'locked' ? `locked by ${v.lockedBy}` : v.state, v.backend, String(v.cpus), v.memory])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  return 0;
}

/**
 * One command per line, shell-quoted, in order. Problems and Hivedesk's own supervisor go to
 * stderr, so stdout is exactly the host's commands and pasting it does not run them twice.
 */
function printPlan(plan: Plan): number {
  for (const warning of plan.warnings) console.error(`hivedesk: warning: ${warning}`);
  for (const note of plan.notes) console.error(`hivedesk: note: ${note}`);
  for (const file of plan.files ?? []) {
    console.error(`hivedesk: ${file.append ? 'adds to' : 'writes'} ${file.path} (${file.why}):`);
    for (const line of file.content.trimEnd().split('\n')) console.error(`    ${line}`);
  }
  for (const command of plan.commands) {
    if (command.supervisor) console.error(`hivedesk: started detached, runs what follows: ${quoteArgv(command.argv)}`);
    else console.log(quoteArgv(command.argv));
  }
  return 0;
}

/** Exit status 1 when a guest did not start; each guest's outcome on its own line. */
async function startAllGuests(core: Core): Promise<number> {
  const setting = await core.autostart.get();
  if (!setting.available && setting.mechanism !== 'systemd-user') throw new AppError('unavailable', setting.reason ?? 'Start at boot is not available here.');
  const failed = await startAll(setting, {
    isUp: async (name) => isUp(await core.vms.state(name)),
    start: async (name) => void (await core.vms.startVm(name)),
    report: (line) => console.log(line),
  });
  return failed > 0 ? 1 : 0;
}

/** Follows the job to its end, one line per step; Ctrl-C cancels it (it removes what it made). */
async function waitForJob(core: Core, started: Job): Promise<number> {
  process.once('SIGINT', () => void core.jobs.cancel(started.id).catch(() => undefined));
  let step = '';
  for (;;) {
    const job = (await core.jobs.list()).find((j) => j.id === started.id);
    if (!job) throw new AppError('internal', `The job ${started.id} is gone.`);
    if (job.step !== step) console.error(`hivedesk: ${job.title}: ${(step = job.step)}`);
    if (job.status !== 'running') {
      if (job.status === 'succeeded') return console.log(`${job.title}: done`), 0;
      return console.error(`hivedesk: ${job.title}: ${job.status}${job.error ? `: ${job.error}` : ''}`), 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function printSnapshots(list: SnapshotList): number {
  if (!list.supported) return console.error(`hivedesk: ${list.reason ?? 'no snapshots here'}`), 1;
  for (const snapshot of list.snapshots) console.log(`${snapshot.name}\t${snapshot.createdAt}`);
  return 0;
}

type Values = ReturnType<typeof parseCommandLine>['values'];

/** `hivedesk doctor`: the Host setup view's checks, read-only; under --root the host's files are read from DIR. */
async function doctor(values: Values, backend: BackendId): Promise<number> {
  const root = values.root === undefined ? undefined : resolve(values.root);
  if (root !== undefined && !(await stat(root).then((s) => s.isDirectory(), () => false))) throw new UsageError(`--root ${values.root} is not a directory`);
  const options = values.nic === undefined ? {} : { nic: parse(NicName, values.nic, 'NIC') };
  const setup = createHostSetup({ runner: new HostRunner(new CommandLog(undefined, describeExit)), store: new Datastore(resolve(values.datastore ?? defaultDatastore())), backend, ...(root ? { root } : {}) });
  const areas = [...(values.xen ? ['xen' as const] : []), ...(values.virtualbox ? ['virtualbox' as const] : [])];
  const checks = await setup.checks(areas, options);
  if (values.json) console.log(JSON.stringify({ checks }, null, 2));
  else printChecks(checks);
  return checks.some((c) => c.status === 'missing') ? 1 : 0;
}

function printChecks(checks: HostCheck[]): void {
  for (const check of checks) {
    console.log(`${check.status.padEnd(8)} ${check.id}: ${check.title}. ${check.summary}`);
    for (const line of check.evidence) console.log(`         | ${line}`);
    for (const diff of check.fix?.diffs ?? []) console.log(diff.diff.replace(/^/gm, '         '));
    for (const argv of check.fix?.commands ?? []) console.log(`         $ ${quoteArgv(argv)}`);
    for (const warning of check.fix?.warnings ?? []) console.log(`         ! ${warning}`);
    if (check.manual) console.log(`         by hand: ${check.manual}`);
  }
}

function printVm(vm: VmSummary, json = false): number {
  console.log(json ? JSON.stringify(vm, null, 2) : `${vm.name}: ${vm.state}`);
  return 0;
}

function printJson(value: unknown): number {
  console.log(JSON.stringify(value, null, 2));
  return 0;
}

/**
 * `create` as the wizard fills it in: the profile's CPUs, memory and disk size unless given, checked by the same
 * schema main checks every request with.
 */
function createInput(values: Values, name: string, backend: BackendId | undefined): CreateVmInput {
  const profile = parse(z.enum(PROFILE_IDS), values.profile ?? 'linux', 'profile');
  const defaults = PROFILES[profile];
  const input = CreateVmInput.safeParse({
    name,
    profile,
    cpus: values.cpus ?? String(defaults.cpus),
    memory: values.memory ?? defaults.memory,
    diskSize: values['disk-size'] ?? defaults.diskSize,
    installMedia: values['install-media'] ?? '',
    ...(backend ? { backend } : {}),
  });
  if (input.success) return input.data;
  const issue = input.error.issues[0];
  const option: Record<string, string> = { cpus: '--cpus', memory: '--memory', diskSize: '--disk-size', installMedia: '--install-media' };
  throw new UsageError(`${option[String(issue?.path[0])] ?? String(issue?.path[0] ?? 'create')}: ${issue?.message ?? 'invalid'}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`hivedesk: ${err.message}\n${USAGE}`);
      process.exit(2);
    }
    const known = err instanceof AppError || err instanceof HostCommandError;
    console.error(`hivedesk: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(known ? 1 : 70);
  },
);
