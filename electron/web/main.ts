import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BackendId } from '../../shared/api/vms.js';
import { createHost, defaultDatastore } from '../app/host.js';
import { defaultSettingsFile, startupDatastore } from '../app/last-datastore.js';
import { startLoopbackServer } from './server.js';

/** Browser mode: the host layer under plain Node, serving the UI to a browser on 127.0.0.1. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      datastore: { type: 'string' },
      port: { type: 'string', default: '8470' },
      backend: { type: 'string' },
      'console-input-rate': { type: 'string' },
    },
  });
  const backend = values.backend === undefined ? undefined : BackendId.safeParse(values.backend);
  if (backend && !backend.success) {
    console.error(`hivedesk: --backend must be one of ${BackendId.options.join(', ')}, not "${values.backend}"`);
    process.exit(2);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`hivedesk: --port must be a number from 0 to 65535 (0 picks a free port), not "${values.port}"`);
    process.exit(2);
  }
  const rate = values['console-input-rate'] === undefined ? undefined : Number(values['console-input-rate']);
  if (rate !== undefined && !(Number.isInteger(rate) && rate >= 100 && rate <= 100_000_000)) {
    console.error(`hivedesk: --console-input-rate must be bytes per second from 100 to 100000000, not "${values['console-input-rate']}"`);
    process.exit(2);
  }
  const settingsFile = defaultSettingsFile();
  const start = await startupDatastore({ ...(values.datastore ? { given: resolve(values.datastore) } : {}), settingsFile, fallback: defaultDatastore() });
  if (start.warning) console.error(`hivedesk: ${start.warning}`);
  const { path: datastore, zfsDataset } = start.location;
  const host = await createHost({
    datastore,
    settingsFile,
    ...(zfsDataset ? { zfsDataset } : {}),
    ...(backend ? { backend: backend.data } : {}),
    ...(rate ? { consoleInputBytesPerSecond: rate } : {}),
  });
  const here = dirname(fileURLToPath(import.meta.url));
  const server = await startLoopbackServer({
    host,
    token: randomBytes(24).toString('base64url'),
    port,
    staticRoot: resolve(here, '../../../renderer'),
  });
  console.log(`Hivedesk is serving the datastore ${datastore}. Open:`);
  console.log(server.url);
  const shutdown = () => {
    host.dispose();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(`hivedesk: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
