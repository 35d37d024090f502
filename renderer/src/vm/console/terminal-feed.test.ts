import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PIECE_BYTES, TerminalFeed } from './terminal-feed.js';

/** A stand-in for xterm.js: records what it was given and parses it when told. */
class FakeTerminal {
  readonly written: Uint8Array[] = [];
  private readonly unparsed: (() => void)[] = [];
  readonly sink = (data: Uint8Array, parsed: () => void) => {
    this.written.push(data);
    this.unparsed.push(parsed);
  };

  parseAll(): void {
    for (const parsed of this.unparsed.splice(0)) parsed();
  }

  text(): string {
    return Buffer.concat(this.written).toString('latin1');
  }
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const nextTask = () => new Promise((resolve) => setImmediate(resolve));

/** Lets the feed run until it has nothing left (each piece takes a task). */
async function drain(xterm: FakeTerminal): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    xterm.parseAll();
    await nextTask();
  }
}

test('output reaches the terminal whole and in order, a piece per task, each acknowledged once parsed', { timeout: 10_000 }, async (t) => {
  const xterm = new FakeTerminal();
  const feed = new TerminalFeed(xterm.sink);
  t.after(() => feed.dispose());
  const first = 'a'.repeat(PIECE_BYTES * 2 + 100);
  const second = 'b'.repeat(10);
  const drawn: string[] = [];
  feed.push(bytes(first), () => drawn.push('first'));
  feed.push(bytes(second), () => drawn.push('second'));

  // One piece at a time: the rest waits until it is parsed, then for a task of its own.
  assert.equal(xterm.written.length, 1);
  xterm.parseAll();
  assert.equal(xterm.written.length, 1, 'the next piece is written in a later task, not from inside the parse callback');
  assert.deepEqual(drawn, []);

  await drain(xterm);
  assert.ok(xterm.written.every((piece) => piece.length <= PIECE_BYTES));
  assert.equal(xterm.text(), first + second);
  assert.deepEqual(drawn, ['first', 'second']);
});

test('a restart acknowledges what was not written yet and runs its step after the piece in flight, before later output', { timeout: 10_000 }, async (t) => {
  const xterm = new FakeTerminal();
  const feed = new TerminalFeed(xterm.sink);
  t.after(() => feed.dispose());
  const drawn: string[] = [];
  feed.push(bytes('x'.repeat(PIECE_BYTES * 3)), () => drawn.push('old'));
  feed.push(bytes('y'), () => drawn.push('older'));
  feed.restart(() => {
    drawn.push('reset');
    xterm.written.length = 0;
  });
  // The dropped output counts as drawn at once, so the server never waits for it.
  assert.deepEqual(drawn, ['old', 'older']);
  feed.push(bytes('replay'), () => drawn.push('replay'));

  await drain(xterm);
  assert.deepEqual(drawn, ['old', 'older', 'reset', 'replay']);
  assert.equal(xterm.text(), 'replay');
});

test('a closed tab writes nothing more: not the rest of a frame, not a frame that arrives late', { timeout: 10_000 }, async () => {
  const xterm = new FakeTerminal();
  const feed = new TerminalFeed(xterm.sink);
  feed.push(bytes('z'.repeat(PIECE_BYTES * 2)), () => assert.fail('acknowledged after the tab closed'));
  feed.dispose();
  await drain(xterm);
  assert.equal(xterm.written.length, 1, 'only the piece xterm.js had before the tab closed');

  // Closed while idle, then a frame still in flight arrives.
  const idle = new FakeTerminal();
  const closed = new TerminalFeed(idle.sink);
  closed.dispose();
  closed.push(bytes('late'), () => assert.fail('a late frame was drawn'));
  await drain(idle);
  assert.equal(idle.written.length, 0);
});
