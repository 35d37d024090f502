import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VmSummary } from '../../../shared/api/vms.js';
import { afterReply } from './action-reply.js';

const vm = (state: VmSummary['state']): VmSummary => ({ name: 'vbox1', backend: 'virtualbox', state, cpus: 2, memory: '1024M', profile: 'freebsd', disks: [], consoles: ['com1'], display: false });

test("a guest the list reported stopped while Stop's reply was on its way stays stopped", { timeout: 5000 }, () => {
  const running = vm('running');
  const stopped = vm('stopped');
  assert.equal(afterReply(running, stopped, vm('running')), stopped);
});

test('without a newer change the reply is what the list shows; a failed action changes nothing', { timeout: 5000 }, () => {
  const stopped = vm('stopped');
  const reply = vm('running');
  assert.equal(afterReply(stopped, stopped, reply), reply);
  assert.equal(afterReply(stopped, stopped, undefined), stopped);
});
