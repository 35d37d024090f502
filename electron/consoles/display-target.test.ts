import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayTarget } from './display-target.js';

test('loopback addresses, every-address listens and unix sockets are where the screen is', { timeout: 5000 }, () => {
  assert.deepEqual(displayTarget('127.0.0.1:5900'), { host: '127.0.0.1', port: 5900 });
  assert.deepEqual(displayTarget('[::1]:5901'), { host: '::1', port: 5901 });
  assert.deepEqual(displayTarget('0.0.0.0:5902'), { host: '127.0.0.1', port: 5902 }, "vm-bhyve's default listen");
  assert.deepEqual(displayTarget('unix:/vm/web1/vnc.sock'), { path: '/vm/web1/vnc.sock' });
});

test('another host, a bad port or a relative socket are refused with why', { timeout: 5000 }, () => {
  for (const [listen, why] of [
    ['192.168.1.5:5900', /listens on 192\.168\.1\.5, not on loopback/],
    ['evil.example:5900', /not on loopback/],
    ['127.0.0.1:0', /not an address and port/],
    ['127.0.0.1:99999', /not an address and port/],
    ['127.0.0.1', /not an address and port/],
    ['unix:vnc.sock', /not an absolute path/],
  ] as const) {
    const target = displayTarget(listen);
    assert.ok(target instanceof Error, listen);
    assert.match(target.message, why);
  }
});
