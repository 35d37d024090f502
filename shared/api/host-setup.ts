import { z } from 'zod';
import { request } from './define.js';

export const CheckStatus = z.enum(['ok', 'missing', 'unknown']);
export type CheckStatus = z.infer<typeof CheckStatus>;

/** What /var/run/dmesg.boot says about running bhyve (the check `bhyve-cpu`). */
export const CpuVerdict = z.enum(['ok', 'single-vcpu-only', 'disabled-in-bios', 'unsupported', 'unknown']);
export type CpuVerdict = z.infer<typeof CpuVerdict>;

export const CheckArea = z.enum(['bhyve', 'persistence', 'linux', 'xen', 'virtualbox']);
export type CheckArea = z.infer<typeof CheckArea>;

export const CheckId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a check id is lower-case words joined by "-"').max(64);

/** A FreeBSD interface name (IFNAMSIZ is 16), e.g. igb0. */
export const NicName = z.string().regex(/^[a-z][a-z0-9_]*[0-9]$/, 'an interface name such as igb0').max(15);

/** Choices that shape a fix: the physical NIC a bridge takes. */
export const FixOptions = z.object({ nic: NicName.optional() });
export type FixOptions = z.infer<typeof FixOptions>;

/** A file a fix changes, as a unified diff of the whole file before and after. */
export const FileDiff = z.object({ path: z.string(), diff: z.string() });
export type FileDiff = z.infer<typeof FileDiff>;

export const FixPlan = z.object({
  /** Exactly what runs, in order: argv arrays with the privilege prefix. */
  commands: z.array(z.array(z.string())),
  diffs: z.array(FileDiff),
  /** What the user should know before running it (a link that may drop, a login needed after). */
  warnings: z.array(z.string()),
  /** Of the commands, the diffs and the files they start from: running refuses a plan the host has moved away from. */
  digest: z.string(),
});
export type FixPlan = z.infer<typeof FixPlan>;

export const FixChoice = z.object({ name: z.literal('nic'), label: z.string(), options: z.array(NicName), value: NicName });
export type FixChoice = z.infer<typeof FixChoice>;

export const HostCheck = z.object({
  id: CheckId,
  area: CheckArea,
  title: z.string(),
  /** One sentence: what this is and why it matters. */
  explanation: z.string(),
  status: CheckStatus,
  /** One sentence: what was found. */
  summary: z.string(),
  /** The lines read and the commands' output the status rests on. */
  evidence: z.array(z.string()),
  verdict: CpuVerdict.optional(),
  fix: FixPlan.optional(),
  /** When something is missing and Hivedesk cannot fix it: what to do by hand. */
  manual: z.string().optional(),
  choice: FixChoice.optional(),
});
export type HostCheck = z.infer<typeof HostCheck>;

export const FixStep = z.object({ argv: z.array(z.string()), exitCode: z.number().nullable(), stderr: z.string() });
export type FixStep = z.infer<typeof FixStep>;

export const FixResult = z.object({
  ok: z.boolean(),
  /** Every command that ran, in order; a failed one is the last, with its stderr. */
  steps: z.array(FixStep),
  /** The checks again, after the fix. */
  checks: z.array(HostCheck),
});
export type FixResult = z.infer<typeof FixResult>;

/** Areas beyond the host's own (Xen, VirtualBox) show when their tools exist or when asked for. */
const Areas = z.array(CheckArea).max(CheckArea.options.length).optional();

export const hostSetupApi = {
  runHostChecks: request(z.object({ areas: Areas }), z.object({ checks: z.array(HostCheck) })),
  planHostFix: request(z.object({ id: CheckId, options: FixOptions.default({}) }), FixPlan),
  runHostFix: request(z.object({ id: CheckId, options: FixOptions.default({}), digest: z.string().regex(/^[0-9a-f]{64}$/) }), FixResult),
};

