import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfHistory, idTime } from './conf-history.js';

test('history keeps the newest versions up to its cap, each under its own time, newest first', { timeout: 10_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hivedesk-history-'));
  try {
    const history = new ConfHistory(dir, 2);
    // Kept within one millisecond: each still gets a name of its own.
    const ids = [await history.keep('cpu=1\n'), await history.keep('cpu=2\n'), await history.keep('cpu=3\n')];
    assert.equal(new Set(ids).size, 3);
    assert.deepEqual(await history.ids(), [ids[2], ids[1]]);
    assert.equal(await history.read(ids[2] ?? ''), 'cpu=3\n');
    assert.equal(await history.read(ids[0] ?? ''), undefined, 'the oldest went past the cap');
    assert.equal(await history.read('../../etc/passwd'), undefined);
    assert.deepEqual((await readdir(join(dir, '.hivedesk', 'history'))).length, 2);
    assert.match(idTime(ids[0] ?? ''), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(!Number.isNaN(Date.parse(idTime(ids[0] ?? ''))));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
