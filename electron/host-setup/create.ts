import type { BackendId } from '../../shared/api/vms.js';
import { bhyveSettings } from '../backends/bhyve/settings.js';
import { getValue } from '../datastore/conf.js';
import type { Datastore } from '../datastore/datastore.js';
import type { HostRunner } from '../host/run.js';
import { HostSetup } from './service.js';

export interface HostSetupFor {
  runner: HostRunner;
  store: Datastore;
  /** qemu: a Linux host; bhyve, Xen and VirtualBox: (a stand-in for) a FreeBSD one, as the handbook hosts them. */
  backend: BackendId;
  /** `doctor --root DIR`: read the files under DIR and run nothing. */
  root?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Host setup as the GUI and the CLI use it. HIVEDESK_HOST_ROOT moves where the running host's files are read
 * (the FreeBSD host simulator's sandbox); HIVEDESK_USER names the account the checks are about.
 */
export function createHostSetup({ runner, store, backend, root, env = process.env }: HostSetupFor): HostSetup {
  return new HostSetup({
    kind: backend === 'qemu' && root === undefined ? 'linux' : 'freebsd',
    root: root ?? env.HIVEDESK_HOST_ROOT ?? '/',
    runner,
    live: root === undefined,
    settings: bhyveSettings(env),
    ...(env.HIVEDESK_USER ? { user: env.HIVEDESK_USER } : {}),
    guestLoaders: async () => {
      const docs = await Promise.all((await store.listNames()).map((name) => store.read(name)));
      return docs.map((doc) => (doc && getValue(doc, 'loader')) || 'bhyveload');
    },
  });
}
