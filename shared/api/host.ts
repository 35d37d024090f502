import { z } from 'zod';
import { request } from './define.js';
import { BackendId } from './vms.js';

export const CommandRecord = z.object({
  id: z.number(),
  argv: z.array(z.string()),
  startedAt: z.string(),
  durationMs: z.number(),
  /** null while running, or when the process was killed by a signal or never started. */
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  /** Still running (cu, a guest's supervisor): the record is sent again when it ends. */
  running: z.boolean(),
  error: z.string().optional(),
  /** How often it ran: a command repeated every few seconds (sampling activity) is one record. */
  repeats: z.number().int().positive().optional(),
  /** What its exit status means, where its backend says (bhyve's 1 is a poweroff, not a failure). */
  outcome: z.object({ meaning: z.string(), fault: z.boolean() }).optional(),
});
export type CommandRecord = z.infer<typeof CommandRecord>;

export const HostInfo = z.object({
  backend: BackendId,
  accelerator: z.string(),
  datastore: z.string(),
  platform: z.string(),
  /** A screen reader (or other assistive technology) is running, as the app's window detected it; false in browser mode. */
  assistiveTechnology: z.boolean(),
});
export type HostInfo = z.infer<typeof HostInfo>;

/** Sent when the desktop's assistive technology comes or goes (Electron only). */
export const AssistiveTechnology = z.object({ detected: z.boolean() });

export const hostApi = {
  getHostInfo: request(z.object({}), HostInfo),
  listCommands: request(z.object({}), z.array(CommandRecord)),
};
