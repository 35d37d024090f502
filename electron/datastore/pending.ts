import type { BackendId } from '../../shared/api/vms.js';
import { type ConfDocument, parseConf } from './conf.js';
import { readBootedConf } from './conf-history.js';
import { changedFields, readSettings } from './settings-conf.js';

/**
 * The settings of a running guest's .conf that it did not boot with: none apply to a running bhyve
 * or QEMU guest, so they wait for its next start. Unknown (empty) when Hivedesk did not start it.
 */
export async function pendingRestart(guestDir: string, current: ConfDocument, backend: BackendId): Promise<string[]> {
  const booted = await readBootedConf(guestDir);
  if (booted === undefined) return [];
  return changedFields(readSettings(parseConf(booted), backend), readSettings(current, backend));
}
