import { readdir, stat } from 'node:fs/promises';
import { Datastore } from './datastore.js';

/**
 * Why a folder cannot be opened as a datastore, or undefined when it can: a vm-bhyve datastore
 * (its `.config`, made by `vm init`), one with guests (`<name>/<name>.conf`, as Hivedesk's own),
 * or an empty folder, which becomes a new one. Anything else (a home directory, /etc) is refused
 * rather than filled with guests; nothing is created here.
 */
export async function datastoreProblem(path: string): Promise<string | undefined> {
  const found = await stat(path).catch((err: NodeJS.ErrnoException) => err);
  if (found instanceof Error) return found.code === 'ENOENT' ? `There is no folder ${path}.` : `${path} cannot be opened: ${found.code ?? found.message}.`;
  if (!found.isDirectory()) return `${path} is a file, not a folder.`;
  const entries = await readdir(path, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => err);
  if (entries instanceof Error) return `Hivedesk may not read ${path} (${entries.code ?? entries.message}).`;
  if (entries.length === 0 || entries.some((e) => e.name === '.config' && e.isDirectory())) return undefined;
  if ((await new Datastore(path).listNames()).length > 0) return undefined;
  return `${path} is not a vm-bhyve datastore: it has no .config folder and no guests (<name>/<name>.conf). Choose the folder rc.conf's vm_dir names, or an empty folder for a new datastore.`;
}
