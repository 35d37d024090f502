import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DetachKeyInput, DirectInput } from './line-input.js';

test("xl console's input: keys wait until it has had time to go raw, and Ctrl-] is dropped wherever it comes", { timeout: 5000 }, async () => {
  const sent: string[] = [];
  let opened = 0;
  const input = new DetachKeyInput((bytes) => sent.push(bytes.toString('latin1')), () => opened++, 0x1d, 20);
  assert.equal(input.write(Buffer.from('early')), false, 'nothing goes while its pty may still be cooked');
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(opened, 1);
  assert.equal(input.write(Buffer.from('ro\x1dot\r')), true);
  assert.equal(input.write(Buffer.from('\x1d')), true, 'a lone Ctrl-] is taken, and goes nowhere');
  assert.deepEqual(sent, ['root\r']);
  input.close();
  assert.equal(input.write(Buffer.from('x')), false);
});

test('a socket line takes keys as typed once it is connected', { timeout: 5000 }, () => {
  const sent: string[] = [];
  const input = new DirectInput((bytes) => sent.push(bytes.toString('latin1')), () => undefined);
  assert.equal(input.write(Buffer.from('a')), false);
  input.open();
  assert.equal(input.write(Buffer.from('~.\x1d')), true);
  assert.deepEqual(sent, ['~.\x1d']);
});
