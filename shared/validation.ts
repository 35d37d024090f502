import { z } from 'zod';

/**
 * Guest names are used as a directory, a file name, a bhyve VM name (`/dev/vmm/<name>`),
 * a device name (`/dev/nmdm-<name>.1A`) and a QEMU `-name`. vm-bhyve's rule is
 * `^[a-z0-9][.a-z0-9_-]*[a-z0-9]$` (2–231 chars, case-insensitive); bhyve's VM_MAX_NAMELEN
 * on older releases is 32 including the NUL, so we cap at 31 to run everywhere.
 */
export const VM_NAME_MAX = 31;

export const VmName = z
  .string()
  .min(1, 'Enter a name.')
  .min(2, 'A name needs at least 2 characters.')
  .max(VM_NAME_MAX, `A name can have at most ${VM_NAME_MAX} characters.`)
  .refine((s) => !/\s/.test(s), 'A name cannot contain spaces.')
  .refine((s) => !s.includes('/'), 'A name cannot contain "/".')
  .refine((s) => !s.includes('..'), 'A name cannot contain "..".')
  .refine((s) => !s.startsWith('-'), 'A name cannot start with "-".')
  .refine(
    (s) => /^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/.test(s),
    'Use letters, digits, ".", "_" and "-", starting and ending with a letter or digit.',
  );

const UNITS = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 } as const;
type Unit = keyof typeof UNITS;

/** Parses vm-bhyve's size syntax (`512M`, `4G`, `1T`); a bare number means MiB. Returns MiB. */
export function parseSizeMiB(text: string): number | undefined {
  const m = /^\s*(\d{1,9})\s*([KMGT])?\s*$/i.exec(text);
  if (!m || m[1] === undefined) return undefined;
  const unit = (m[2]?.toUpperCase() ?? 'M') as Unit;
  return Number(m[1]) * UNITS[unit];
}

/** The shortest exact vm-bhyve spelling of a size in MiB (`2048` -> `2G`). */
export function formatSizeMiB(mib: number): string {
  if (mib >= 1024 * 1024 && mib % (1024 * 1024) === 0) return `${mib / (1024 * 1024)}T`;
  if (mib >= 1024 && mib % 1024 === 0) return `${mib / 1024}G`;
  return `${mib}M`;
}

function sizeField(label: string, minMiB: number, maxMiB: number) {
  const range = `between ${formatSizeMiB(minMiB)} and ${formatSizeMiB(maxMiB)}`;
  return z
    .string()
    .trim()
    .min(1, `Enter the ${label}, for example 2G.`)
    .refine((s) => parseSizeMiB(s) !== undefined, `${label[0]?.toUpperCase()}${label.slice(1)} must be a number with an optional unit M, G or T, for example 512M or 2G.`)
    .refine((s) => {
      const mib = parseSizeMiB(s);
      return mib === undefined || (Number.isInteger(mib) && mib >= minMiB && mib <= maxMiB);
    }, `${label[0]?.toUpperCase()}${label.slice(1)} must be ${range}.`)
    .transform((s) => formatSizeMiB(parseSizeMiB(s) ?? 0));
}

export const MEMORY_MIN_MIB = 32;
export const MEMORY_MAX_MIB = 1024 * 1024;
export const DISK_MIN_MIB = 16;
export const DISK_MAX_MIB = 64 * 1024 * 1024;
export const CPUS_MAX = 64;

export const MemorySize = sizeField('memory', MEMORY_MIN_MIB, MEMORY_MAX_MIB);
export const DiskSize = sizeField('disk size', DISK_MIN_MIB, DISK_MAX_MIB);

/** Accepts a number or the digits a form field holds; anything else is refused, not coerced. */
export const CpuCount = z
  .union([z.number(), z.string().trim()])
  .refine((v) => /^\d{1,3}$/.test(String(v)), 'CPUs must be a whole number.')
  .transform((v) => Number(v))
  .refine((n) => n >= 1 && n <= CPUS_MAX, `CPUs must be between 1 and ${CPUS_MAX}.`);

/** An absolute host path with no NUL or newline (it ends up in argv and in a .conf line). */
export const HostPath = z
  .string()
  .trim()
  .min(1, 'Enter a path.')
  .refine((s) => s.startsWith('/'), 'Use an absolute path (starting with "/").')
  .refine((s) => !/[\0\n\r"#$`\\]/.test(s), 'The path contains a character that cannot be stored (" # $ ` \\ or a newline).')
  // bhyve's device options are comma-separated with no escape: a comma would start a new option.
  .refine((s) => !s.includes(','), 'The path cannot contain a comma (bhyve could not tell it from its options).');
