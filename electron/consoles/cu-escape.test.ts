import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CuEscapeGuard, CuInput } from './cu-escape.js';

/** Where each cu is at a line start (sources in cu-escape.ts), and what the pty keeps from it. */
const TAYLOR = { lineEnds: '\r\x15\x03\x0f\x04\x13\x11\x12\x00', eaten: '' };
const TIP = { lineEnds: '\r', eaten: '\x13\x11' };

const LINE_ENDS: [string, string][] = [
  ['CR, both', '\r'],
  ['^U, Taylor', '\x15'],
  ['^C, Taylor', '\x03'],
  ['^O, Taylor', '\x0f'],
  ['^D, Taylor', '\x04'],
  ['^S, Taylor', '\x13'],
  ['^Q, Taylor', '\x11'],
  ['^R, Taylor', '\x12'],
  ['NUL, Taylor (strchr finds the terminator)', '\x00'],
];

for (const [name, end] of LINE_ENDS) {
  test(`a tilde after ${name} is doubled, so cu sends it instead of obeying it`, { timeout: 5_000 }, () => {
    assert.equal(new CuEscapeGuard().filter(`ls${end}~!sh\r`), `ls${end}~~!sh\r`);
    assert.equal(new CuEscapeGuard().filter(`x${end}~.`), `x${end}~~.`);
  });
}

test('a tilde where neither cu is at a line start stays one tilde', { timeout: 5_000 }, () => {
  for (const before of ['a', '~', '\n', '\t', '\x17', '\x7f', '\b', '\x1b', '\x1a', '\x14', 'Í', 'э', '😀', '\ud83d']) {
    assert.equal(new CuEscapeGuard().filter(`x${before}~!sh`), `x${before}~!sh`, JSON.stringify(before));
  }
  assert.equal(new CuEscapeGuard().filter('ls ~/x; cd ~user\r'), 'ls ~/x; cd ~user\r');
  assert.equal(new CuEscapeGuard().filter('\x1b[200~pasted\x1b[201~'), '\x1b[200~pasted\x1b[201~');
});

test('cu starts at a line start, and two tildes typed there reach the guest as two', { timeout: 5_000 }, () => {
  assert.equal(new CuEscapeGuard().filter('~.'), '~~.');
  assert.equal(new CuEscapeGuard().filter('~~'), '~~~');
});

test('the line start carries across keystrokes sent one by one', { timeout: 5_000 }, () => {
  const guard = new CuEscapeGuard();
  assert.deepEqual(['e', 'c', '\x15', '~', '!', '\r', '~', '~'].map((k) => guard.filter(k)), ['e', 'c', '\x15', '~~', '!', '\r', '~~', '~']);
});

test('any split of the input gives what one chunk gives', { timeout: 20_000 }, () => {
  const random = seeded(42);
  for (let round = 0; round < 2_000; round++) {
    const input = randomInput(random, 1 + Math.floor(random() * 40));
    const whole = new CuEscapeGuard().filter(input);
    const guard = new CuEscapeGuard();
    let pieces = '';
    for (let at = 0; at < input.length; ) {
      const size = 1 + Math.floor(random() * 6);
      pieces += guard.filter(input.slice(at, at + size));
      at += size;
    }
    assert.equal(pieces, whole, JSON.stringify(input));
  }
});

test('neither cu ever obeys an escape; Taylor sends exactly what was typed', { timeout: 20_000 }, () => {
  const random = seeded(7);
  for (let round = 0; round < 2_000; round++) {
    const input = randomInput(random, 1 + Math.floor(random() * 40));
    const sent = new CuEscapeGuard().filter(input);
    const taylor = readByCu(TAYLOR, sent);
    assert.deepEqual(taylor, { commands: '', line: input }, JSON.stringify(input));
    assert.equal(readByCu(TIP, sent).commands, '', JSON.stringify(input));
  }
});

test('a megabyte paste goes through in one call, each line-start tilde doubled', { timeout: 10_000 }, () => {
  const paste = 'echo ~ ok\r~/bin/run\r'.repeat(50_000);
  const sent = new CuEscapeGuard().filter(paste);
  assert.equal(sent.length, paste.length + 50_000);
  assert.equal(readByCu(TAYLOR, sent).line, paste);
});

test('keys go only once cu has connected and had a moment to make its pty raw, then through the guard', { timeout: 5_000 }, async () => {
  const sent: string[] = [];
  let opened = 0;
  const input = new CuInput((data) => sent.push(data.toString('latin1')), () => opened++, 20);
  input.watch(Buffer.from('cu: Stale lock /var/lock/LCK..4 held by process 3353\r\n'));
  assert.equal(input.write(Buffer.from('x\x7f~.\r')), false, 'in a cooked pty DEL would erase the x and leave ~. at a line start');
  input.watch(Buffer.from('\x07Conn'));
  input.watch(Buffer.from('ected.\r\n'));
  assert.equal(input.write(Buffer.from('ls\r')), false);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(opened, 1);
  assert.equal(input.write(Buffer.from('~.')), true);
  assert.deepEqual(sent, ['~~.']);
});

test("tip's banner opens the way as Taylor's does", { timeout: 5_000 }, async () => {
  const sent: string[] = [];
  const input = new CuInput((data) => sent.push(data.toString('latin1')), () => undefined, 0);
  input.watch(Buffer.from('Connected\r\n'));
  await new Promise((r) => setTimeout(r, 10));
  input.write(Buffer.from('~.'));
  assert.deepEqual(sent, ['~~.']);
});

test('nothing goes to a cu that has exited, even one that was about to open', { timeout: 5_000 }, async () => {
  const sent: string[] = [];
  let opened = 0;
  const input = new CuInput((data) => sent.push(data.toString('latin1')), () => opened++, 20);
  input.watch(Buffer.from('Connected.'));
  input.close();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(input.write(Buffer.from('late\r')), false);
  assert.deepEqual([sent, opened], [[], 0]);
});

test('bytes are guarded exactly: UTF-8 never holds a ~ or a line end', { timeout: 5_000 }, () => {
  const keys = Buffer.from('é😀\r~!x\x15~.');
  assert.deepEqual(new CuEscapeGuard().filterBytes(keys), Buffer.from('é😀\r~~!x\x15~~.'));
});

/**
 * A model of each cu's input loop (Taylor's fsysdep_cu, tip's tipin and escape): the bytes it
 * passes to the line, and the command characters it would obey after an escape.
 */
function readByCu(cu: { lineEnds: string; eaten: string }, bytes: string): { commands: string; line: string } {
  let atLineStart = true;
  let commands = '';
  let line = '';
  const reaching = [...bytes].filter((ch) => !cu.eaten.includes(ch));
  for (let i = 0; i < reaching.length; i++) {
    const ch = reaching[i] ?? '';
    if (ch === '~' && atLineStart) {
      const next = reaching[++i] ?? '';
      if (next !== '~') {
        commands += next;
        continue;
      }
    }
    line += ch;
    atLineStart = cu.lineEnds.includes(ch);
  }
  return { commands, line };
}

const ALPHABET = ['~', '~', '~', '!', '.', 'a', ' ', '\n', '\x7f', 'э', '😀', ...TAYLOR.lineEnds];

function randomInput(random: () => number, length: number): string {
  return Array.from({ length }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('');
}

/** mulberry32: a failure names its input and replays the same way. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
