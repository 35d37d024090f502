import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { quoteArgv } from '../../shared/shell-words.js';
import type { CommandLog } from './command-log.js';

export interface RunOptions {
  /** 0: no time limit (a guest's bhyve runs for as long as the guest does). */
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Append the command's stdout and stderr to this file instead of capturing them. */
  logFile?: string;
  /** In a session of its own, not waited for: it outlives this process (our daemon(8)). */
  detached?: boolean;
  /** In a process group of its own (still waited for), so a signal reaches it through doas or sudo. */
  processGroup?: boolean;
  /** A command run again and again (a sample): its runs are one record in the log (see CommandLog.begin). */
  logKey?: string;
}

export interface RunResult {
  argv: readonly string[];
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Why it never ran (spawn failed: the program is missing, not executable…). */
  error?: string;
}

export interface RunningCommand {
  pid: number | undefined;
  result: Promise<RunResult>;
}

/** A host command that failed: carries the exact argv so the UI can show what was run. */
export class HostCommandError extends Error {
  constructor(argv: readonly string[], reason: string) {
    super(`${quoteArgv(argv)}: ${reason}`);
    this.name = 'HostCommandError';
  }
}

const OUTPUT_LIMIT = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;

/** Runs host commands as argv arrays (never through a shell), logging each one. */
export class HostRunner {
  constructor(readonly log: CommandLog) {}

  run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.start(argv, options).result;
  }

  start(argv: readonly string[], options: RunOptions = {}): RunningCommand {
    const [program, ...args] = argv;
    if (!program) return { pid: undefined, result: Promise.reject(new Error('empty argv')) };
    const finish = this.log.begin(argv, options.logKey);
    const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
    const child = spawn(program, args, {
      shell: false,
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'],
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      detached: (options.detached ?? false) || (options.processGroup ?? false),
    });
    if (logFd !== undefined) closeSync(logFd);
    if (options.detached) child.unref();
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-OUTPUT_LIMIT)));
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-OUTPUT_LIMIT)));
    let spawnError: string | undefined;
    child.on('error', (err) => (spawnError = err.message));
    const result = new Promise<RunResult>((resolve) => {
      child.on('close', (exitCode, signal) => {
        finish({ exitCode, signal, ...(spawnError ? { error: spawnError } : {}) });
        resolve({ argv, exitCode, signal, stdout, stderr: spawnError ? `${stderr}${spawnError}` : stderr, ...(spawnError ? { error: spawnError } : {}) });
      });
    });
    return { pid: child.pid, result };
  }

  /** Like run, but a non-zero exit, a signal or a failure to start is an error. */
  async check(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const result = await this.run(argv, options);
    if (result.exitCode !== 0) {
      const why = result.exitCode === null ? `killed (${result.signal ?? 'did not start'})` : `exit status ${result.exitCode}`;
      const detail = result.stderr.trim().split('\n').slice(-3).join(' ');
      throw new HostCommandError(argv, detail ? `${why}: ${detail}` : why);
    }
    return result;
  }
}
