import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';

export interface WebApp {
  url: string;
  datastore: string;
  iso: string;
}

const root = join(import.meta.dirname, '..');

/** Starts browser mode the way a user does (`npm run web` runs this after building), on a fresh datastore. */
async function startWebMode(datastore: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, 'dist/node/electron/web/main.js'), '--datastore', datastore, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => /^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(l));
      if (line) resolve(line.trim());
    });
    child.on('exit', (code) => reject(new Error(`browser mode exited (${code}) before printing its URL:\n${out}`)));
  });
  return { child, url };
}

/** Guests outlive the app by design; a failed test must still not leave one running. */
async function killGuests(datastore: string): Promise<void> {
  for (const name of await readdir(datastore)) {
    const pid = Number(await readFile(join(datastore, name, 'qemu.pid'), 'utf8').catch(() => ''));
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** A fresh browser-mode server and datastore per test, so tests cannot see each other's VMs. */
export const test = base.extend<{ app: WebApp }>({
  app: [
    async ({}, use) => {
      const iso = process.env.HIVEDESK_TEST_ISO;
      if (!iso) throw new Error('HIVEDESK_TEST_ISO is not set: run the tests with `npm test`, which builds the guest ISO.');
      const datastore = await mkdtemp(join(tmpdir(), 'hivedesk-e2e-'));
      const { child, url } = await startWebMode(datastore);
      await use({ url, datastore, iso });
      child.kill('SIGTERM');
      await killGuests(datastore);
      await rm(datastore, { recursive: true, force: true });
    },
    { scope: 'test' },
  ],
});

export { expect } from '@playwright/test';

export const shots = (name: string) => join(import.meta.dirname, 'output', 'screenshots', `${name}.png`);
