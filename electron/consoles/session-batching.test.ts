import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import { CommandLog } from '../host/command-log.js';
import { Screen } from '../testing/support.js';
import { ConsoleSession } from './session.js';

/**
 * Output batching, on a socket line (VirtualBox's kind) so no cu is involved. setTimeout is
 * mocked and never advanced: output that waits for a batch window never arrives, so "arrives"
 * means "went out without waiting", with no clock in the assertion.
 */
test('an echoed key goes out at once, even right after a stream of output', { timeout: 20_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hivedesk-batch-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'com1');
  const guest = new Promise<Socket>((resolve) => {
    const server = createServer(resolve).listen(path);
    t.after(() => server.close());
  });
  const session = new ConsoleSession({ endpoint: { kind: 'socket', path }, log: new CommandLog() });
  t.after(() => session.end('test over'));
  const screen = new Screen();
  session.attach(screen);
  const line = await guest;
  t.after(() => line.destroy());

  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  // A screenful arrives while nothing was flowing: it goes out at once too.
  line.write('x'.repeat(8 * 1024));
  await arrives(() => screen.text.length === 8 * 1024, 'the first screenful');
  // Within the batch window of that output, the guest echoes one key.
  line.write('k');
  await arrives(() => screen.text.endsWith('k'), 'the echoed key');
});

/** Waits through real event-loop turns (setTimeout is mocked) for up to 2 s. */
async function arrives(check: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 2_000;
  while (!check()) {
    if (performance.now() > deadline) assert.fail(`${what} did not go out without a batch window`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
