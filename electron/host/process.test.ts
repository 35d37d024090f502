import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProcessTitles } from './process.js';

test('a title is found whole or followed by more words, never as the start of a longer name', { timeout: 5_000 }, () => {
  const titles = new ProcessTitles(['bhyve: web (stopping)', 'bhyve: db2', 'hivedesk-supervisor: app', '']);
  assert.equal(titles.has('bhyve: web'), true);
  assert.equal(titles.has('hivedesk-supervisor: app'), true);
  assert.equal(titles.has('bhyve: db'), false);
  assert.equal(titles.has('bhyve: we'), false);
  assert.equal(titles.has('bhyve: app'), false);
});
