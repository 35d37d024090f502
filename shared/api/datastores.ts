import { z } from 'zod';
import { HostPath } from '../validation.js';
import { request } from './define.js';

/** vm-bhyve's `vm_dir` from rc.conf, as written (`/vm` or `zfs:pool/ds`) and the folder it means. */
export const VmDir = z.object({ value: z.string(), path: z.string() });
export type VmDir = z.infer<typeof VmDir>;

export const DatastoreChoices = z.object({
  current: z.string(),
  /** Absent when rc.conf sets no vm_dir (or there is no rc.conf: not FreeBSD). */
  vmDir: VmDir.optional(),
  /** Why vm_dir is set but cannot be used (a dataset whose mountpoint zfs could not tell). */
  vmDirProblem: z.string().optional(),
});
export type DatastoreChoices = z.infer<typeof DatastoreChoices>;

/** A folder the user typed or chose, or vm-bhyve's vm_dir, which main reads itself. */
export const OpenDatastoreInput = z.discriminatedUnion('from', [z.object({ from: z.literal('folder'), path: HostPath }), z.object({ from: z.literal('vm_dir') })]);
export type OpenDatastoreInput = z.input<typeof OpenDatastoreInput>;

/** Which datastore is open now: sent when it changes, so every window can follow. */
export const OpenedDatastore = z.object({
  path: z.string(),
  /** Something to tell about an open that worked (it could not be remembered for the next start). */
  notice: z.string().optional(),
});
export type OpenedDatastore = z.infer<typeof OpenedDatastore>;

export const datastoresApi = {
  datastoreChoices: request(z.object({}), DatastoreChoices),
  openDatastore: request(OpenDatastoreInput, OpenedDatastore),
};

/**
 * A guest's `.conf` changed on disk: a hand edit, `vm configure`, another Hivedesk, or this one's
 * own save. Receivers re-read it and compare with what they hold.
 */
export const VmConfigChange = z.object({ name: z.string() });
export type VmConfigChange = z.infer<typeof VmConfigChange>;
