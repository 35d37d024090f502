import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyTyper, type SendKey } from './key-typer.js';
import { keystrokes } from './keystrokes.js';

test('text becomes a US keyboard\'s keys, Shift for the characters that need it', { timeout: 5000 }, () => {
  assert.deepEqual(keystrokes('echo A >/dev/ttyS0\n'), [
    { keysym: 0x65, code: 'KeyE', shift: false },
    { keysym: 0x63, code: 'KeyC', shift: false },
    { keysym: 0x68, code: 'KeyH', shift: false },
    { keysym: 0x6f, code: 'KeyO', shift: false },
    { keysym: 0x20, code: 'Space', shift: false },
    { keysym: 0x41, code: 'KeyA', shift: true },
    { keysym: 0x20, code: 'Space', shift: false },
    { keysym: 0x3e, code: 'Period', shift: true },
    { keysym: 0x2f, code: 'Slash', shift: false },
    { keysym: 0x64, code: 'KeyD', shift: false },
    { keysym: 0x65, code: 'KeyE', shift: false },
    { keysym: 0x76, code: 'KeyV', shift: false },
    { keysym: 0x2f, code: 'Slash', shift: false },
    { keysym: 0x74, code: 'KeyT', shift: false },
    { keysym: 0x74, code: 'KeyT', shift: false },
    { keysym: 0x79, code: 'KeyY', shift: false },
    { keysym: 0x53, code: 'KeyS', shift: true },
    { keysym: 0x30, code: 'Digit0', shift: false },
    { keysym: 0xff0d, code: 'Enter', shift: false },
  ]);
});

test('every printable ASCII character has a key; CRLF is one Return, tabs are Tab, other control characters are dropped', { timeout: 5000 }, () => {
  const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
  assert.deepEqual(keystrokes(ascii).filter((k) => k.code === null), []);
  assert.deepEqual(keystrokes('!@#$%^&*()_+{}|:"<>?~').map((k) => k.shift), Array(21).fill(true));
  assert.deepEqual(keystrokes('a\r\nb\rc\td\x07\x1b'), keystrokes('a\nb\nc\td'));
  assert.deepEqual(keystrokes('\t').map((k) => k.code), ['Tab']);
});

test('characters beyond a US keyboard go as keysyms for the server to place', { timeout: 5000 }, () => {
  assert.deepEqual(keystrokes('é€😀'), [
    { keysym: 0xe9, code: null, shift: false },
    { keysym: 0x10020ac, code: null, shift: false },
    { keysym: 0x101f600, code: null, shift: false },
  ]);
});

test('the typer presses Shift around shifted keys, reports progress, and stops at Cancel', { timeout: 5000 }, async () => {
  const sent: string[] = [];
  const send: SendKey = (keysym, code, down) => sent.push(`${keysym.toString(16)}:${code}:${down === undefined ? 'tap' : down ? 'down' : 'up'}`);
  const seen: number[] = [];
  await new Promise<void>((resolve) => new KeyTyper(keystrokes('a>'), send, (p) => (seen.push(p.typed), p.done && resolve()), 1));
  assert.deepEqual(sent, ['61:KeyA:tap', 'ffe1:ShiftLeft:down', '3e:Period:tap', 'ffe1:ShiftLeft:up']);
  assert.deepEqual(seen, [1, 2]);

  sent.length = 0;
  const typer = new KeyTyper(keystrokes('abcdef'), send, () => undefined, 50);
  typer.cancel();
  await new Promise((r) => setTimeout(r, 120));
  assert.deepEqual(sent, ['61:KeyA:tap'], 'nothing after Cancel');
  assert.equal(typer.running, false);
});
