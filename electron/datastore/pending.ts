import type { VmSettings } from '../../shared/api/settings.js';
import type { BackendId } from '../../shared/api/vms.js';
import { type ConfDocument, parseConf } from './conf.js';
import { readBootedConf } from './conf-history.js';
import { changedFields, readSettings } from './settings-conf.js';

/** What a running guest waits for: the fields saved since it booted, and the settings it booted with. */
export interface Pending {
  fields: string[];
  booted?: VmSettings;
}

/**
 * The settings of a running guest's .conf that it did not boot with: none apply to a running bhyve
 * or QEMU guest, so they wait for its next start. Unknown (empty) when Hivedesk did not start it.
 */
export async function pendingRestart(guestDir: string, current: ConfDocument, backend: BackendId): Promise<Pending> {
  const text = await readBootedConf(guestDir);
  if (text === undefined) return { fields: [] };
  const booted = readSettings(parseConf(text), backend);
  return { fields: changedFields(booted, readSettings(current, backend)), booted };
}
