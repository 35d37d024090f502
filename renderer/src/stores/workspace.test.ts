import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { viewId } from '../workspace/views.js';
import { useWorkspace } from './workspace.js';

const ids = () => useWorkspace.getState().tabs.map(viewId);
const ws = () => useWorkspace.getState();

beforeEach(() => {
  for (const id of ids()) ws().close(id);
});

test('opening a view that is open shows its tab instead of adding another', { timeout: 5000 }, () => {
  ws().open({ kind: 'console', name: 'web1', port: 'com1' });
  ws().open({ kind: 'vm', name: 'web1' });
  ws().open({ kind: 'console', name: 'web1', port: 'com1' });
  assert.deepEqual(ids(), ['machines', 'console:web1:com1', 'vm:web1']);
  assert.equal(ws().active, 'console:web1:com1');
});

test('closing the shown tab shows its neighbour; Machines cannot be closed', { timeout: 5000 }, () => {
  ws().open({ kind: 'vm', name: 'a1' });
  ws().open({ kind: 'vm', name: 'b1' });
  ws().open({ kind: 'vm', name: 'c1' });
  ws().show('vm:b1');
  ws().close('vm:b1');
  assert.equal(ws().active, 'vm:c1');
  ws().close('vm:c1');
  assert.equal(ws().active, 'vm:a1');
  ws().close('machines');
  assert.deepEqual(ids(), ['machines', 'vm:a1']);
});

test('tabs move, but never before Machines', { timeout: 5000 }, () => {
  for (const name of ['a1', 'b1', 'c1']) ws().open({ kind: 'vm', name });
  ws().move('vm:c1', 1);
  assert.deepEqual(ids(), ['machines', 'vm:c1', 'vm:a1', 'vm:b1']);
  ws().move('vm:a1', 0);
  assert.deepEqual(ids(), ['machines', 'vm:a1', 'vm:c1', 'vm:b1']);
  ws().move('machines', 3);
  ws().move('vm:a1', 99);
  assert.deepEqual(ids(), ['machines', 'vm:c1', 'vm:b1', 'vm:a1']);
});

test('opening another datastore closes the tabs of guests, keeps the others and shows Machines', { timeout: 5000 }, () => {
  ws().open({ kind: 'jobs' });
  ws().open({ kind: 'vm', name: 'web1' });
  ws().open({ kind: 'split', left: { name: 'a1', port: 'com1' }, right: { name: 'b1', port: 'com1' } });
  ws().open({ kind: 'console', name: 'web1', port: 'com1' });
  ws().closeGuestViews();
  assert.deepEqual(ids(), ['machines', 'jobs']);
  assert.equal(ws().active, 'machines');
  ws().show('jobs');
  ws().closeGuestViews();
  assert.equal(ws().active, 'jobs', 'a tab that stays stays shown');
});
