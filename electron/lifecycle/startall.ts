import { setTimeout as sleep } from 'node:timers/promises';
import type { AutostartSetting } from './autostart.js';

export interface StartAllSteps {
  /** Whether the guest is up already (skipped, not a failure: startall may run twice). */
  isUp(name: string): Promise<boolean>;
  start(name: string): Promise<void>;
  report(line: string): void;
  wait?: (seconds: number) => Promise<void>;
}

/**
 * vm-bhyve's `vm startall` (lib/vm-core core::start): the guests in list order, `delay` seconds
 * between two starts (none before the first); one that fails does not stop the rest. Returns how
 * many failed.
 */
export async function startAll({ list, delay }: AutostartSetting, steps: StartAllSteps): Promise<number> {
  const wait = steps.wait ?? ((seconds: number) => sleep(seconds * 1000));
  let failed = 0;
  for (const [i, name] of list.entries()) {
    if (i > 0 && delay > 0) await wait(delay);
    try {
      if (await steps.isUp(name)) {
        steps.report(`${name}: already running`);
        continue;
      }
      await steps.start(name);
      steps.report(`${name}: started`);
    } catch (err) {
      failed += 1;
      steps.report(`${name}: not started: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return failed;
}
