// The xl(1) commands the handbook runs (24.7), as argv arrays, and readers for what `xl list` prints. Pure.

/** `xl create <cfg>`: xl(1) wants the configuration file's absolute path. */
export function xlCreateArgv(configPath: string): string[] {
  return ['xl', 'create', configPath];
}

/** `xl shutdown <dom>` asks the guest to shut down; `xl destroy <dom>` ends it at once, like pulling the plug. */
export function xlDomainArgv(action: 'shutdown' | 'destroy' | 'console', name: string): string[] {
  return ['xl', action, name];
}

/** `xl list -l` prints JSON (a list of domains with their configuration) on Xen 4.x; `xl list` the handbook's table. */
export function xlListArgv(long: boolean): string[] {
  return long ? ['xl', 'list', '-l'] : ['xl', 'list'];
}

/** A domain as xl lists it: its id, and its run state where the table shows one (r, b, p, s, c, d). */
export interface Domain {
  id: number;
  state?: string;
}

/** The domains of `xl list -l`'s JSON, by name; undefined when the output is not that JSON (an older xl's SXP). */
export function parseXlListLong(stdout: string): Map<string, Domain> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const domains = new Map<string, Domain>();
  for (const entry of parsed as unknown[]) {
    const { domid, config } = (entry ?? {}) as { domid?: unknown; config?: { c_info?: { name?: unknown } } };
    const name = config?.c_info?.name;
    if (typeof domid === 'number' && typeof name === 'string') domains.set(name, { id: domid });
  }
  return domains;
}

/**
 * The domains of `xl list`'s table, by name: `Name ID Mem VCPUs State Time(s)` (the handbook's 24.7.2), the name
 * being everything before the last five columns.
 */
export function parseXlList(stdout: string): Map<string, Domain> {
  const domains = new Map<string, Domain>();
  for (const line of stdout.split('\n').slice(1)) {
    const match = /^(.+?)\s+(\d+)\s+\d+\s+\d+\s+([-rbpscd]{6})\s+[\d.]+\s*$/.exec(line);
    if (match?.[1] && match[2] && match[3]) domains.set(match[1], { id: Number(match[2]), state: match[3] });
  }
  return domains;
}
