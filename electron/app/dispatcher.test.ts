import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dispatch, type Handlers } from './dispatcher.js';
import { AppError } from '../errors.js';

/** Handlers that record every call: the dispatcher must never reach them with bad input. */
function recordingHandlers(calls: string[]): Handlers {
  return new Proxy({} as Handlers, {
    get: (_target, channel: string) => async (input: unknown) => {
      calls.push(`${channel} ${JSON.stringify(input)}`);
      if (channel === 'startVm') throw new AppError('conflict', 'web1 is already running.');
      if (channel === 'stopVm') throw new Error('boom');
      return [];
    },
  });
}

test('bad input is refused with per-field messages before any handler runs', { timeout: 10_000 }, async () => {
  const calls: string[] = [];
  const result = await dispatch(recordingHandlers(calls), 'createVm', { name: '../etc', profile: 'linux', cpus: 'many', memory: '1G', diskSize: '0' });
  assert.equal(result.ok, false);
  assert.equal(result.ok ? undefined : result.error.code, 'invalid_input');
  assert.deepEqual(result.ok ? undefined : result.error.fields, {
    name: 'A name cannot contain "/".',
    cpus: 'CPUs must be a whole number.',
    diskSize: 'Disk size must be between 16M and 64T.',
  });
  assert.deepEqual(calls, []);
});

test('unknown channels and missing input are refused', { timeout: 10_000 }, async () => {
  const calls: string[] = [];
  const unknown = await dispatch(recordingHandlers(calls), 'rmRf', {});
  assert.deepEqual(unknown, { ok: false, error: { code: 'not_found', message: 'Unknown request "rmRf".' } });
  const missing = await dispatch(recordingHandlers(calls), 'startVm', undefined);
  assert.equal(missing.ok ? '' : missing.error.code, 'invalid_input');
  assert.deepEqual(calls, []);
});

test('valid input reaches the handler parsed; errors come back as data', { timeout: 10_000 }, async () => {
  const calls: string[] = [];
  const handlers = recordingHandlers(calls);
  assert.deepEqual(await dispatch(handlers, 'listVms', {}), { ok: true, value: [] });
  assert.deepEqual(await dispatch(handlers, 'startVm', { name: 'web1' }), { ok: false, error: { code: 'conflict', message: 'web1 is already running.' } });
  assert.deepEqual(await dispatch(handlers, 'stopVm', { name: 'web1' }), { ok: false, error: { code: 'internal', message: 'boom' } });
  assert.deepEqual(calls, ['listVms {}', 'startVm {"name":"web1"}', 'stopVm {"name":"web1"}']);
});
