import { readFile } from 'node:fs/promises';
import type { HostRunner } from '../../host/run.js';
import type { Accelerator } from './argv.js';

export interface AccelChoice {
  accel: Accelerator;
  reason: string;
}

/**
 * KVM only when it really works: the CPU must show vmx/svm and /dev/kvm must open.
 * The open runs in a child with a timeout because on some hosts it hangs forever.
 */
export async function chooseAccelerator(runner: HostRunner, kvmPath = '/dev/kvm'): Promise<AccelChoice> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  if (!/^flags\s*:.*\b(vmx|svm)\b/m.test(cpuinfo)) {
    return { accel: 'tcg', reason: 'TCG (the CPU shows no vmx/svm)' };
  }
  const probe = `require('fs').closeSync(require('fs').openSync(${JSON.stringify(kvmPath)}, 'r+'))`;
  const result = await runner.run([process.execPath, '-e', probe], {
    timeoutMs: 3000,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  if (result.exitCode === 0) return { accel: 'kvm', reason: 'KVM' };
  const why = result.exitCode === null ? 'opening it hung' : 'it cannot be opened';
  return { accel: 'tcg', reason: `TCG (${kvmPath}: ${why})` };
}
