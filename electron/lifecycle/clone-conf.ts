import { type ConfDocument, getValue, indexed, setValue } from '../datastore/conf.js';
import type { Datastore } from '../datastore/datastore.js';
import { newMac, newUuid } from '../datastore/identity.js';

/**
 * The clone's .conf: the source's, line for line (comments and unknown keys too), with a new
 * uuid and a new MAC for every NIC. vm-bhyve's clone removes both and lets the first start draw
 * them; Hivedesk draws them now, the same way, so the clone never shows its source's identity.
 */
export function cloneConf(doc: ConfDocument, macsTaken: ReadonlySet<string>): ConfDocument {
  const taken = new Set(macsTaken);
  let conf = setValue(doc, 'uuid', newUuid());
  indexed(doc, 'network', 'type').forEach((_, i) => {
    const mac = newMac(taken);
    taken.add(mac);
    conf = setValue(conf, `network${i}_mac`, mac);
  });
  return conf;
}

/** Every NIC's MAC in the datastore, so a new one is drawn again if it collides. */
export async function macsInUse(store: Datastore): Promise<Set<string>> {
  const docs = await Promise.all((await store.listNames()).map((name) => store.read(name)));
  const macs = new Set<string>();
  for (const doc of docs) {
    if (!doc) continue;
    indexed(doc, 'network', 'type').forEach((_, i) => {
      const mac = getValue(doc, `network${i}_mac`);
      if (mac) macs.add(mac.toLowerCase());
    });
  }
  return macs;
}
