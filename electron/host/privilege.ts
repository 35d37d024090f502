const PRIVILEGE: Record<string, string[]> = { doas: ['doas'], sudo: ['sudo', '-n'], none: [] };

/**
 * The words put before every command that needs root (`doas`, `sudo -n`), from HIVEDESK_PRIVILEGE; none when
 * Hivedesk runs as root. The GUI itself never runs as root.
 */
export function privilegePrefix(env: NodeJS.ProcessEnv = process.env): string[] {
  const name = env.HIVEDESK_PRIVILEGE ?? (process.getuid?.() === 0 ? 'none' : 'doas');
  const prefix = PRIVILEGE[name];
  if (!prefix) throw new Error(`HIVEDESK_PRIVILEGE must be doas, sudo or none, not "${name}"`);
  return prefix;
}

/** The command with the prefix when its program is one that needs root; never through a shell. */
export function asRootWhen(needsRoot: ReadonlySet<string>, prefix: readonly string[], argv: string[]): string[] {
  return needsRoot.has(argv[0] ?? '') ? [...prefix, ...argv] : argv;
}
