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

/** A size in bytes as a person reads it: `1 GiB`, `64 MiB`, `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return mib >= 1024 ? `${+(mib / 1024).toFixed(2)} GiB` : `${+mib.toFixed(1)} MiB`;
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

// ---------------------------------------------------------------------------------------------
// VM settings: every value ends up in a vm-bhyve .conf line (key="value", read by sh) and
// most in a bhyve or QEMU argument, so each rule says what a person may type, in words.
// ---------------------------------------------------------------------------------------------

/** Characters a .conf value cannot hold: `"` and `#` would not read back, `\ $ \`` are live in sh. */
const CONF_UNSAFE = /["#\\$`\0\n\r]/;
const confSafe = (label: string) =>
  z.string().refine((s) => !CONF_UNSAFE.test(s), `${label} cannot contain " # $ \` \\ or a line break (vm-bhyve's file could not keep it).`);

export const Description = confSafe('The description').pipe(z.string().trim().max(200, 'Keep the description to 200 characters.'));

/** vm-bhyve's `tags`: words separated by spaces. */
export const Tags = z
  .string()
  .trim()
  .refine((s) => s === '' || /^[A-Za-z0-9._-]+( +[A-Za-z0-9._-]+)*$/.test(s), 'Tags are words of letters, digits, ".", "_" and "-", separated by spaces.')
  .refine((s) => s.split(/ +/).length <= 20, 'At most 20 tags.')
  .transform((s) => s.split(/ +/).filter(Boolean).join(' '));

/** One factor of a CPU topology; empty means "no topology". */
export const TopologyCount = z
  .union([z.number(), z.string().trim()])
  .optional()
  .refine((v) => v === undefined || v === '' || /^\d{1,2}$/.test(String(v)), 'Use a whole number, or leave all three empty.')
  .transform((v) => (v === undefined || v === '' ? undefined : Number(v)))
  .refine((n) => n === undefined || (n >= 1 && n <= CPUS_MAX), `Use a number between 1 and ${CPUS_MAX}.`);

export const LOADERS = ['bhyveload', 'grub', 'uefi', 'uefi-csm', 'uefi-custom', 'uefi-devel'] as const;
export const Loader = z.enum(LOADERS, { error: 'Choose a loader from the list.' });

export const DISK_EMULATIONS = ['virtio-blk', 'ahci-hd', 'ahci-cd', 'nvme'] as const;
export const DISK_BACKINGS = ['file', 'zvol', 'sparse-zvol', 'custom'] as const;
export const NIC_MODELS = ['virtio-net', 'e1000'] as const;

/** A disk file or zvol name in the guest's directory or dataset: one plain name, no path. */
export const DISK_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** bhyve's block device options (`nocache`, `direct`, `ro`, `sectorsize=512/4096`, `nodelete`), comma-separated. */
export const DiskOpts = z
  .string()
  .trim()
  .refine((s) => s === '' || /^[a-z]+(=[0-9a-z/]+)?(,[a-z]+(=[0-9a-z/]+)?)*$/.test(s), 'Options are words like nocache,direct or sectorsize=512, separated by commas.');

/** A vm-bhyve switch name; empty means the NIC is on no switch. */
export const SwitchName = z
  .string()
  .trim()
  .refine((s) => s === '' || /^[A-Za-z0-9][A-Za-z0-9_.-]{0,30}$/.test(s), 'A switch name is letters, digits, ".", "_" and "-" (at most 31).');

/** A MAC as vm-bhyve writes it; empty means "make one at the next start", as vm-bhyve does. */
export const MacAddress = z
  .string()
  .trim()
  .refine((s) => s === '' || /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(s), 'A MAC address looks like 58:9c:fc:0c:55:42.')
  .refine((s) => s === '' || (parseInt(s.slice(0, 2), 16) & 1) === 0, 'That is a multicast address; a NIC needs a unicast one (even first byte).')
  .transform((s) => s.toLowerCase());

/** A guest's SMBIOS uuid (bhyve -U, QEMU -uuid), as uuidgen writes it. */
export const Uuid = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'A uuid looks like 0b5e1d2c-1111-4222-8333-444455556666.')
  .transform((s) => s.toLowerCase());

/** bhyve's fbuf listens on an IPv4 address (`tcp=<ip>:<port>`). */
export const ListenAddress = z
  .string()
  .trim()
  .refine((s) => /^(\d{1,3})(\.\d{1,3}){3}$/.test(s) && s.split('.').every((p) => Number(p) <= 255), 'Use an IPv4 address such as 127.0.0.1 (0.0.0.0 listens on every interface).');

/** The VNC port: `auto` (the first free from 5900, as vm-bhyve picks) or a number. */
export const VncPort = z
  .union([z.literal('auto'), z.number(), z.string().trim()])
  .refine((v) => v === 'auto' || v === '' || /^\d{1,5}$/.test(String(v)), 'Use a port number, or auto.')
  .transform((v): 'auto' | number => (v === 'auto' || v === '' ? 'auto' : Number(v)))
  .refine((v) => v === 'auto' || (v >= 1024 && v <= 65535), 'Use a port between 1024 and 65535, or auto.');

/** bhyve's framebuffer takes 640x480 up to 1920x1200. */
export const Resolution = z
  .string()
  .trim()
  .refine((s) => /^\d{3,4}x\d{3,4}$/.test(s), 'Write the resolution as WIDTHxHEIGHT, for example 1024x768.')
  .refine((s) => {
    const [w, h] = s.split('x').map(Number);
    return w === undefined || h === undefined || (w >= 640 && w <= 1920 && h >= 480 && h <= 1200);
  }, 'bhyve shows 640x480 up to 1920x1200.');

export const HOSTBRIDGES = ['standard', 'amd', 'none'] as const;

/** Extra bhyve flags, split on spaces as vm-bhyve does; options Hivedesk builds itself are refused. */
export const BhyveOptions = confSafe('Extra options')
  .pipe(z.string().trim().max(300, 'Keep the extra options to 300 characters.'))
  .refine((s) => s === '' || s.startsWith('-'), 'Extra options start with a flag, for example -A or -o key=value.')
  .refine((s) => !/(^| )-[cmslU]( |$)/.test(s), 'CPUs, memory, devices (-s), consoles (-l) and the UUID have fields of their own: set them there.')
  .transform((s) => s.split(' ').filter(Boolean).join(' '));

/** An optional text field: empty means "not set" (undefined); anything else must pass `schema`, with its own messages. */
export function blankOr<T>(schema: z.ZodType<T, string>) {
  return z
    .string()
    .optional()
    .transform((s, ctx): T | undefined => {
      if (s === undefined || s.trim() === '') return undefined;
      const parsed = schema.safeParse(s);
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
      return z.NEVER;
    });
}
