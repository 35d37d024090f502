import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { Autostart, LifecyclePlan, PlannedFile } from '../../shared/api/lifecycle.js';
import type { PlannedCommand } from '../../shared/api/vms.js';
import { getValue, parseConf, serializeConf, setValue } from '../datastore/conf.js';
import { AppError } from '../errors.js';
import { writeFileAtomic } from '../host/atomic-write.js';
import { ownScriptArgv } from '../host/own-script.js';
import type { HostRunner } from '../host/run.js';
import { type AutostartSetting, type AutostartStore, parseDelay, parseList } from './autostart.js';

/** Where the list lives: vm-bhyve's two rc.conf variables, in a file of the datastore's own. */
export const AUTOSTART_FILE = 'hivedesk-autostart.conf';

/**
 * Linux: a systemd user unit runs `hivedesk startall` for this datastore when the user's systemd
 * starts (at login, or at boot with lingering), and the list and delay live in the datastore's
 * `.config/hivedesk-autostart.conf` as `vm_list` and `vm_delay`, as vm-bhyve spells them.
 */
export class SystemdAutostart implements AutostartStore {
  private probe?: Promise<string | undefined>;

  constructor(
    private readonly runner: HostRunner,
    private readonly datastore: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get configFile(): string {
    return join(this.datastore, '.config', AUTOSTART_FILE);
  }

  /** One unit per datastore, named for its path. */
  get unitName(): string {
    return `hivedesk-autostart-${createHash('sha256').update(this.datastore).digest('hex').slice(0, 8)}.service`;
  }

  get unitPath(): string {
    return join(this.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'systemd', 'user', this.unitName);
  }

  async read(): Promise<Autostart> {
    const { list, delay } = await readAutostartFile(this.configFile);
    const reason = await this.unavailable();
    return {
      mechanism: 'systemd-user',
      available: reason === undefined,
      ...(reason ? { reason } : {}),
      list,
      delay,
      notes: [
        `A systemd user unit (${this.unitName}) starts these guests in this order when your user’s systemd starts: at login.`,
        `To start them at boot without anyone logging in, let your user’s systemd run from boot: loginctl enable-linger ${userInfo().username}.`,
      ],
    };
  }

  async plan(next: AutostartSetting): Promise<LifecyclePlan> {
    const files: PlannedFile[] = [{ path: this.configFile, content: await this.configText(next), why: 'the guests to start, in order, and the seconds between two' }];
    const systemctl = (...args: string[]): string[] => ['systemctl', '--user', ...args];
    if (next.list.length === 0) {
      return { commands: [{ argv: systemctl('disable', this.unitName), why: 'nothing to start any more' }], files, steps: [`remove ${this.unitPath}`] };
    }
    files.push({ path: this.unitPath, content: this.unitText(), why: 'runs hivedesk startall for this datastore' });
    const commands: PlannedCommand[] = [
      { argv: systemctl('daemon-reload'), why: 'systemd reads the unit' },
      { argv: systemctl('enable', this.unitName), why: 'start it whenever your user’s systemd starts' },
    ];
    return { commands, files, steps: [] };
  }

  async write(next: AutostartSetting): Promise<void> {
    const reason = await this.unavailable();
    if (reason) throw new AppError('unavailable', reason);
    const plan = await this.plan(next);
    for (const file of plan.files) {
      await mkdir(dirname(file.path), { recursive: true });
      await writeFileAtomic(file.path, file.content);
    }
    for (const command of plan.commands) await this.runner.check(command.argv, { env: this.env });
    if (next.list.length === 0) await rm(this.unitPath, { force: true });
  }

  /**
   * Why there is no systemd user manager to talk to, or undefined when there is one. Whether the
   * session has one does not change while Hivedesk runs, so systemctl is asked once (every VM page
   * reads this), and again only if it never answered.
   */
  private unavailable(): Promise<string | undefined> {
    this.probe ??= this.askSystemd().then(
      ({ answered, reason }) => {
        if (!answered) this.probe = undefined;
        return reason;
      },
      (err: unknown) => {
        this.probe = undefined;
        throw err;
      },
    );
    return this.probe;
  }

  private async askSystemd(): Promise<{ answered: boolean; reason?: string }> {
    const result = await this.runner.run(['systemctl', '--user', 'show-environment'], { timeoutMs: 10_000, env: this.env });
    if (result.exitCode === 0) return { answered: true };
    if (result.error) return { answered: true, reason: 'systemctl is not installed: start at boot needs systemd, which this host does not run.' };
    if (result.exitCode === null) return { answered: false, reason: `systemctl --user did not answer (${result.signal ?? 'killed'}), so Hivedesk cannot tell whether it can start guests at boot here.` };
    const why = result.stderr.trim().split('\n').at(-1) ?? '';
    return { answered: true, reason: `There is no systemd user manager for this session (systemctl --user: ${why || `exit status ${result.exitCode}`}), so Hivedesk cannot start guests at boot here.` };
  }

  /** The file as it is, with the two values replaced: anything else a person wrote stays. */
  private async configText(next: AutostartSetting): Promise<string> {
    const doc = parseConf(await readFile(this.configFile, 'utf8').catch(() => ''));
    return serializeConf(setValue(setValue(doc, 'vm_list', next.list.join(' ')), 'vm_delay', String(next.delay)));
  }

  private unitText(): string {
    const exec = [...ownScriptArgv(import.meta.url, '../cli/hivedesk'), 'startall', '--datastore', this.datastore];
    return [
      `# Made by Hivedesk: starts the guests of ${this.datastore} marked "Start at boot".`,
      `# Which guests, in what order and how far apart: ${this.configFile}`,
      '[Unit]',
      `Description=${systemdEscape(`Hivedesk: start the guests of ${this.datastore}`)}`,
      '',
      '[Service]',
      'Type=oneshot',
      'RemainAfterExit=yes',
      // Electron runs the command line as plain Node (the packaged app's own binary).
      'Environment=ELECTRON_RUN_AS_NODE=1',
      `ExecStart=${exec.map(systemdWord).join(' ')}`,
      '',
      '[Install]',
      'WantedBy=default.target',
      '',
    ].join('\n');
  }
}

/** The setting as the datastore's file holds it; vm-bhyve's default delay when it says none. */
export async function readAutostartFile(path: string): Promise<AutostartSetting> {
  const doc = parseConf(await readFile(path, 'utf8').catch(() => ''));
  return { list: parseList(getValue(doc, 'vm_list') ?? ''), delay: parseDelay(getValue(doc, 'vm_delay')) };
}

/** `%` starts a specifier in unit files and `$` a variable on ExecStart lines: both are doubled. */
function systemdEscape(text: string): string {
  return text.replaceAll('%', '%%').replaceAll('$', '$$$$');
}

/** One word of an ExecStart line, quoted when it has to be (systemd.syntax(7)). */
function systemdWord(word: string): string {
  const escaped = systemdEscape(word);
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
