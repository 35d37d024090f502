import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The FreeBSD HOST SIMULATOR's tools (fake bhyve, bhyvectl, ifconfig…): a simulator, not FreeBSD. */
export const SIMULATOR_BIN = join(import.meta.dirname, '../../e2e/freebsd-host-simulator/bin');

export interface BhyveVerdict {
  status: number | null;
  stderr: string;
}

/**
 * What the simulated bhyve says about a command line in its check-only mode: the options and each
 * device's settings checked as bhyve's own parsers and device set-up check them, with nothing
 * opened or started. `root` is a sandbox directory (the simulator records every call there).
 */
export function checkWithSimulatedBhyve(argv: readonly string[], root: string): BhyveVerdict {
  if (argv[0] !== 'bhyve') throw new Error(`not a bhyve command line: ${argv.join(' ')}`);
  const run = spawnSync(join(SIMULATOR_BIN, 'bhyve'), argv.slice(1), {
    env: { ...process.env, FREEBSD_SIM_ROOT: root, FREEBSD_SIM_BHYVE_CHECK_ONLY: '1' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: run.status, stderr: run.stderr };
}
