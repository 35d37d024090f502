import { spawn } from 'node:child_process';
import type { CommandLog } from './command-log.js';

export interface RunOptions {
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  argv: readonly string[];
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** A host command that failed: carries the exact argv so the UI can show what was run. */
export class HostCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: Pick<RunResult, 'exitCode' | 'signal' | 'stderr'>,
    reason: string,
  ) {
    super(`${argv.join(' ')}: ${reason}`);
    this.name = 'HostCommandError';
  }
}

const OUTPUT_LIMIT = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;

/** Runs one host command as an argv array (never through a shell), logging it. */
export class HostRunner {
  constructor(readonly log: CommandLog) {}

  run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [program, ...args] = argv;
    if (!program) return Promise.reject(new Error('empty argv'));
    const finish = this.log.begin(argv);
    return new Promise((resolve) => {
      const child = spawn(program, args, {
        shell: false,
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        killSignal: 'SIGKILL',
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-OUTPUT_LIMIT)));
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-OUTPUT_LIMIT)));
      let spawnError: string | undefined;
      child.on('error', (err) => (spawnError = err.message));
      child.on('close', (exitCode, signal) => {
        finish({ exitCode, signal, ...(spawnError ? { error: spawnError } : {}) });
        resolve({ argv, exitCode, signal, stdout, stderr: spawnError ? `${stderr}${spawnError}` : stderr });
      });
    });
  }

  /** Like run, but a non-zero exit, a signal or a failure to start is an error. */
  async check(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const result = await this.run(argv, options);
    if (result.exitCode !== 0) {
      const why = result.exitCode === null ? `killed (${result.signal ?? 'did not start'})` : `exit status ${result.exitCode}`;
      const detail = result.stderr.trim().split('\n').slice(-3).join(' ');
      throw new HostCommandError(argv, result, detail ? `${why}: ${detail}` : why);
    }
    return result;
  }
}
