import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CuEscapeGuard } from './cu-escape.js';

test('a tilde at a line start is doubled, so cu sends it instead of obeying it', () => {
  const guard = new CuEscapeGuard();
  assert.equal(guard.filter('~.'), '~~.');
  assert.equal(guard.filter('ls ~/x\r~!sh\r'), 'ls ~/x\r~~!sh\r');
  assert.equal(guard.filter('a\n~'), 'a\n~~');
});

test('the line start carries across keystrokes sent one by one', () => {
  const guard = new CuEscapeGuard();
  assert.deepEqual(['e', 'c', '\r', '~', '.'].map((k) => guard.filter(k)), ['e', 'c', '\r', '~~', '.']);
  assert.equal(guard.filter('~'), '~', 'a tilde after text is plain');
});
