import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { datastoreProblem } from '../datastore/datastore-folder.js';
import type { DatastoreLocation } from '../datastore/vm-dir.js';
import { writeFileAtomic } from '../host/atomic-write.js';

/** Hivedesk's own settings file, per user: `$XDG_CONFIG_HOME/hivedesk/settings.json`. */
export function defaultSettingsFile(env = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'hivedesk', 'settings.json');
}

const Location = z.object({ path: z.string().startsWith('/'), zfsDataset: z.string().min(1).optional() });
/** Other keys are kept as they are: a later Hivedesk may keep more here. */
const Settings = z.looseObject({ datastore: Location.optional() });

async function readSettings(file: string): Promise<z.infer<typeof Settings>> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  try {
    return Settings.parse(JSON.parse(text));
  } catch {
    // A damaged file is not worth refusing to start over; the next choice writes a good one.
    return {};
  }
}

/** The datastore opened last, as remembered; undefined when none is (or the file is damaged). */
export async function lastDatastore(file: string): Promise<DatastoreLocation | undefined> {
  return (await readSettings(file)).datastore;
}

/** Remembers the datastore for the next start, replacing the file atomically (other keys kept). */
export async function rememberDatastore(file: string, location: DatastoreLocation): Promise<void> {
  const settings = await readSettings(file);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify({ ...settings, datastore: location }, null, 2)}\n`, 0o600);
}

/**
 * Where to start: the datastore named on the command line (or in the environment), else the one
 * opened last if it can still be opened (a removed folder is never made again), else the default.
 */
export async function startupDatastore(options: { given?: string; settingsFile: string; fallback: string }): Promise<{ location: DatastoreLocation; warning?: string }> {
  if (options.given) return { location: { path: options.given } };
  const last = await lastDatastore(options.settingsFile);
  if (!last) return { location: { path: options.fallback } };
  const problem = await datastoreProblem(last.path);
  if (!problem) return { location: last };
  return { location: { path: options.fallback }, warning: `The datastore opened last cannot be opened (${problem}); using ${options.fallback}.` };
}
