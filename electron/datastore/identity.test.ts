import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newMac, newUuid } from './identity.js';

test("MACs are bhyve's OUI and 20 random bits, lower case, never all zero, never one already taken", { timeout: 5000 }, () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const mac = newMac(seen);
    assert.match(mac, /^58:9c:fc:0[0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$/);
    assert.notEqual(mac, '58:9c:fc:00:00:00');
    assert.equal(seen.has(mac), false);
    seen.add(mac);
  }
});

test('UUIDs are RFC 4122 version 4, as uuidgen makes them', { timeout: 5000 }, () => {
  assert.match(newUuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
