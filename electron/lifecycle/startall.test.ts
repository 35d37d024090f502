import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAll } from './startall.js';

test('startall: list order, the delay between two starts only, a failure does not stop the rest', { timeout: 5_000 }, async () => {
  const events: string[] = [];
  const failed = await startAll(
    { list: ['web1', 'db1', 'up1', 'web2'], delay: 7 },
    {
      isUp: async (name) => name === 'up1',
      start: async (name) => {
        events.push(`start ${name}`);
        if (name === 'db1') throw new Error('its ISO is missing');
      },
      report: (line) => events.push(line),
      wait: async (seconds) => void events.push(`wait ${seconds}`),
    },
  );
  assert.equal(failed, 1);
  assert.deepEqual(events, [
    'start web1',
    'web1: started',
    'wait 7',
    'start db1',
    'db1: not started: its ISO is missing',
    'wait 7',
    'up1: already running',
    'wait 7',
    'start web2',
    'web2: started',
  ]);
});
