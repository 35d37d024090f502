import type { ExitMeaning } from '../backend.js';

/** bhyve(8)'s exit statuses: how a guest ended; only 3 and 4 mean something went wrong. */
export const BHYVE_EXIT: Readonly<Record<number, ExitMeaning>> = {
  0: { meaning: 'rebooted', fault: false },
  1: { meaning: 'powered off', fault: false },
  2: { meaning: 'halted', fault: false },
  3: { meaning: 'triple fault', fault: true },
  4: { meaning: 'error', fault: true },
};

/** The program an argv runs, past a privilege prefix (`doas bhyve …`, `sudo -n bhyve …`). */
function programOf(argv: readonly string[]): string | undefined {
  const words = argv[0] === 'doas' ? argv.slice(1) : argv[0] === 'sudo' ? argv.slice(argv[1] === '-n' ? 2 : 1) : argv;
  return words[0];
}

/** What a bhyve command's exit status says about its guest; other commands are not bhyve's to describe. */
export function describeBhyveExit(argv: readonly string[], exitCode: number): ExitMeaning | undefined {
  return programOf(argv) === 'bhyve' ? BHYVE_EXIT[exitCode] : undefined;
}
