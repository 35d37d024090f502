import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Locator, Page } from '@playwright/test';
import { expect, shots, test, type WebApp } from './fixtures.js';
import { wizardToSummary } from './wizard.js';

/** A serial console used the hard way: through a tunnel, with a megabyte paste, under a flood. */

/** Creates the tiny test guest with the wizard, starts it and opens its console at the shell prompt. */
async function bootToShell(page: Page, app: WebApp, name: string): Promise<{ screen: Locator; panel: Locator }> {
  const wizard = await wizardToSummary(page, { name, os: 'linux', cpus: '1', memory: '256M', diskSize: '1G', installMedia: app.iso });
  await wizard.getByRole('button', { name: 'Create' }).click();
  const row = page.getByRole('row', { name });
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row).toContainText('running', { timeout: 30_000 });
  await row.getByRole('button', { name: 'Console' }).click();
  const panel = page.getByRole('tabpanel', { name: `Console ${name} com1` });
  const screen = panel.locator('.xterm-rows');
  await expect(screen).toContainText('guest#', { timeout: 60_000 });
  await panel.locator('.xterm-screen').click();
  return { screen, panel };
}

/** The page's clipboard, filled as a person's copy fills it (e2e is type-checked without the DOM library). */
type ClipboardWindow = { navigator: { clipboard: { writeText(text: string): Promise<void> } } };

/** A real TCP forwarder on another local port, as `ssh -L` makes one. */
async function startTunnel(target: number): Promise<{ port: number; child: ChildProcess }> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const child = spawn('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `TCP:127.0.0.1:${target}`], { stdio: 'ignore' });
  await expect.poll(() => canConnect(port), { timeout: 5_000 }).toBe(true);
  return { port, child };
}

function canConnect(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );
}

test('through a tunnel on another port, opened as localhost, the list and the console work', async ({ page, app }) => {
  const direct = new URL(app.url);
  const tunnel = await startTunnel(Number(direct.port));
  try {
    const url = new URL(app.url);
    url.hostname = 'localhost';
    url.port = String(tunnel.port);
    await page.goto(url.href);
    const { screen, panel } = await bootToShell(page, app, 'tunnel1');
    await page.keyboard.type('echo through-the-tunnel-$((6*7))\n');
    await expect(screen).toContainText('through-the-tunnel-42');
    // Screen reader support is off until asked for (it slows drawing); then the text is there for assistive technology.
    const reader = panel.getByRole('button', { name: 'Screen reader' });
    await expect(reader).toHaveAttribute('aria-pressed', 'false');
    await expect(panel.locator('.xterm-accessibility-tree')).toHaveCount(0);
    await reader.click();
    await expect(reader).toHaveAttribute('aria-pressed', 'true');
    await expect(panel.locator('.xterm-accessibility-tree')).toContainText('through-the-tunnel-42');
    await page.screenshot({ path: shots('console-through-tunnel') });
    // State changes arrive over the tunnel too (the event stream): Power off shows up in the list.
    await page.getByRole('tab', { name: 'Machines' }).click();
    const row = page.getByRole('row', { name: 'tunnel1' });
    await row.getByRole('button', { name: 'Power off' }).click();
    await page.getByRole('dialog', { name: 'Power off tunnel1?' }).getByRole('button', { name: 'Power off' }).click();
    await expect(row).toContainText('stopped', { timeout: 15_000 });
  } finally {
    tunnel.child.kill();
  }
});

test.describe('a megabyte paste', () => {
  // The line's real speed (115200 baud) would take 90 s for a megabyte; the pacing is the same at any rate.
  test.use({ webArgs: ['--console-input-rate', String(128 * 1024)] });

  test('asks first, shows progress, reaches the guest whole and in order, and can be cancelled', async ({ page, app, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(app.url);
    const { screen, panel } = await bootToShell(page, app, 'paste1');
    const lines = Array.from({ length: 16_384 }, (_, i) => `${i % 9 === 0 ? '~' : ''}${i} été 😀 ${'0123456789abcdef'.repeat(4)}`.slice(0, 60));
    const text = `${lines.join('\n')}\n`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024 - 64 * 1024);

    await page.keyboard.type('stty -echo; cat > /tmp/paste; stty echo\n');
    await page.evaluate((t) => (globalThis as unknown as ClipboardWindow).navigator.clipboard.writeText(t), text);
    await page.keyboard.press('Control+Shift+V');
    const ask = page.getByRole('dialog', { name: 'Paste into paste1 · com1?' });
    await expect(ask).toContainText('16,385 lines');
    await ask.getByRole('button', { name: 'Paste' }).click();
    await expect(panel.getByLabel('Paste progress')).toBeVisible();
    await page.screenshot({ path: shots('console-paste-progress') });
    await expect(panel.getByLabel('Paste progress')).toBeHidden({ timeout: 60_000 });
    await page.keyboard.press('Control+D');
    await page.keyboard.type('md5sum /tmp/paste; wc -c /tmp/paste\n');
    const md5 = createHash('md5').update(text).digest('hex');
    await expect(screen).toContainText(md5, { timeout: 90_000 });

    // A second paste, cancelled: it stops within a moment and the console takes typing again.
    await page.keyboard.type('stty -echo; cat > /tmp/cancelled; stty echo\n');
    await page.keyboard.press('Control+Shift+V');
    await page.getByRole('dialog', { name: 'Paste into paste1 · com1?' }).getByRole('button', { name: 'Paste' }).click();
    await panel.getByRole('button', { name: 'Cancel paste' }).click();
    await expect(panel.getByLabel('Paste progress')).toBeHidden();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+D');
    await page.keyboard.type('echo cancelled-$(( $(wc -c < /tmp/cancelled) < 1000000 ))\n');
    await expect(screen).toContainText('cancelled-1', { timeout: 20_000 });
  });
});

test('a guest flooding its console leaves the page responsive, and the prompt comes back', async ({ page, app }) => {
  await page.goto(app.url);
  const { screen, panel } = await bootToShell(page, app, 'flood1');
  await page.keyboard.type('yes 0123456789abcdefghijklmnopqrstuvwxyz-flooding | head -n 40000; echo flood-$((40+2))\n');
  // While the guest floods, the rest of the page still answers clicks.
  for (let i = 0; i < 3; i++) {
    await page.getByRole('tab', { name: 'Machines' }).click();
    await expect(page.getByRole('row', { name: 'flood1' })).toBeVisible();
    await page.getByRole('tab', { name: 'flood1 · com1' }).click();
    await expect(panel).toBeVisible();
  }
  await expect(screen).toContainText('flood-42', { timeout: 90_000 });
  await panel.locator('.xterm-screen').click();
  await page.keyboard.type('echo after-the-flood\n');
  await expect(screen).toContainText('after-the-flood');
  await page.screenshot({ path: shots('console-after-flood') });

  // Ctrl+F finds text in the scrollback; Save log keeps what the tab holds.
  await page.keyboard.press('Control+f');
  const find = panel.getByRole('search', { name: 'Find in console' });
  await find.getByLabel('Find', { exact: true }).fill('flood-42');
  await find.getByLabel('Find', { exact: true }).press('Enter');
  await expect(find).not.toContainText('Not found');
  await find.getByLabel('Find', { exact: true }).fill('no such text anywhere');
  await find.getByLabel('Find', { exact: true }).press('Enter');
  await expect(find).toContainText('Not found');
  await page.screenshot({ path: shots('console-find') });
  await find.getByRole('button', { name: 'Close find' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Save log' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^flood1-com1-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.log$/);
  const saved = await readFile(await download.path(), 'utf8');
  expect(saved).toContain('after-the-flood');
  expect(saved).toContain('flood-42');
});
