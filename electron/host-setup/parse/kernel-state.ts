// What the running kernel says: whether a module is in it, a sysctl's value.

// `kldstat -q -m <module>`: exit 0 when the module is in the kernel (loaded or compiled in), 1 when it is not,
// and nothing on stdout. Anything else (no kldstat, killed, another status) is not an answer.

export interface CommandOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export type ModuleState = { state: 'loaded' | 'absent'; evidence: string } | { state: 'unknown'; evidence: string };

export function moduleState(module: string, outcome: CommandOutcome): ModuleState {
  const command = `kldstat -q -m ${module}`;
  const said = outcome.stderr.trim() ? `: ${outcome.stderr.trim().split('\n').slice(-2).join(' ')}` : '';
  if (outcome.exitCode === 0) return { state: 'loaded', evidence: `${command}: exit 0 (in the kernel)` };
  if (outcome.exitCode === 1 && outcome.stdout.trim() === '') return { state: 'absent', evidence: `${command}: exit 1 (not in the kernel)${said}` };
  const how = outcome.exitCode === null ? 'did not run' : `exit ${outcome.exitCode}`;
  return { state: 'unknown', evidence: `${command}: ${how}${said}` };
}

/** `sysctl -n <oid>`: the value, or "absent" when the kernel has no such oid (its module is not loaded). */
export function sysctlValue(oid: string, outcome: CommandOutcome): { value?: string; absent?: true; evidence: string } {
  const command = `sysctl -n ${oid}`;
  if (outcome.exitCode === 0 && outcome.stdout.trim() !== '' && !outcome.stdout.trim().includes('\n')) return { value: outcome.stdout.trim(), evidence: `${command}: ${outcome.stdout.trim()}` };
  if (outcome.exitCode === 1 && /unknown oid/.test(outcome.stderr)) return { absent: true, evidence: `${command}: ${outcome.stderr.trim()}` };
  return { evidence: `${command}: ${outcome.exitCode === null ? 'did not run' : `exit ${outcome.exitCode}`}${outcome.stderr.trim() ? `: ${outcome.stderr.trim()}` : ''}` };
}
