import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, shots, test } from './fixtures.js';
import { wizardToSummary } from './wizard.js';

/** Consoles beyond one tab each: side by side, and in a window of their own (on the FreeBSD host simulator, for speed). */

async function startGuest(page: Page, name: string, iso: string): Promise<void> {
  const wizard = await wizardToSummary(page, { name, os: 'freebsd', cpus: '1', memory: '512M', diskSize: '1G', installMedia: iso });
  await wizard.getByRole('button', { name: 'Create' }).click();
  const row = page.getByRole('row', { name });
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row).toContainText('login prompt', { timeout: 30_000 });
  await row.getByRole('button', { name: 'Console' }).click();
}

test('two consoles side by side, and one detached into its own window and back', async ({ page, freebsd }) => {
  await page.goto(freebsd.url);
  await startGuest(page, 'left1', freebsd.iso);
  await page.getByRole('tab', { name: 'Machines' }).click();
  await startGuest(page, 'right1', freebsd.iso);

  const right = page.getByRole('tabpanel', { name: 'Console right1 com1' });
  await right.getByLabel('Split with').selectOption({ label: 'left1 · com1' });
  const split = page.getByRole('tabpanel', { name: 'Consoles right1 com1 and left1 com1' });
  await expect(split.locator('.console')).toHaveCount(2);
  await expect(split.locator('.console').first().locator('.xterm-rows')).toContainText('FreeBSD/amd64 (right1)');
  await expect(split.locator('.console').last().locator('.xterm-rows')).toContainText('FreeBSD/amd64 (left1)');
  await page.screenshot({ path: shots('console-split') });

  // Detach left1's tab: it leaves the tab strip and opens in a window that shows only that console.
  await page.getByRole('tab', { name: 'left1 · com1', exact: true }).click();
  const [popup] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('tabpanel', { name: 'Console left1 com1' }).getByRole('button', { name: 'Detach' }).click()]);
  await expect(page.getByRole('tab', { name: 'left1 · com1', exact: true })).toHaveCount(0);
  await expect(popup.getByRole('heading', { name: 'left1 · com1' })).toBeVisible();
  const screen = popup.locator('.xterm-rows');
  await expect(screen).toContainText('login:');
  await popup.locator('.xterm-screen').click();
  await popup.keyboard.type('root\n');
  await expect(screen).toContainText('root@left1');
  await popup.screenshot({ path: shots('console-detached') });

  // Back to the main window: the popup closes and the tab is there again, on the same session.
  const closed = popup.waitForEvent('close');
  // The click closes the page it is in: Playwright may report that as the click failing, which here it did not.
  await popup
    .getByRole('button', { name: 'Back to the main window' })
    .click()
    .catch((err: unknown) => {
      if (!popup.isClosed()) throw err;
    });
  await closed;
  await expect(page.getByRole('tab', { name: 'left1 · com1', exact: true })).toBeVisible();
  await expect(page.getByRole('tabpanel', { name: 'Console left1 com1' }).locator('.xterm-rows')).toContainText('root@left1');
});

test('a guest with two serial ports offers a console on each in its row', async ({ page, freebsd }) => {
  await page.goto(freebsd.url);
  const wizard = await wizardToSummary(page, { name: 'twoports', os: 'freebsd', cpus: '1', memory: '512M', diskSize: '1G', installMedia: freebsd.iso });
  await wizard.getByRole('button', { name: 'Create' }).click();
  const row = page.getByRole('row', { name: 'twoports' });
  await expect(row.getByRole('button', { name: 'Console', exact: true })).toBeVisible();
  // As `vm configure` would leave it: a second port.
  const conf = join(freebsd.datastore, 'twoports', 'twoports.conf');
  const text = await readFile(conf, 'utf8');
  expect(text).toMatch(/^comports="com1"$/m);
  await writeFile(conf, text.replace(/^comports="com1"$/m, 'comports="com1 com2"'));
  await expect(row.getByRole('button', { name: 'Console com2' })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Console', exact: true })).toHaveCount(0);

  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row).toContainText('login prompt', { timeout: 30_000 });
  await page.screenshot({ path: shots('console-two-ports-row') });
  await row.getByRole('button', { name: 'Console com2' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Console twoports com2' })).toContainText('twoports · com2: connected');
  await page.getByRole('tab', { name: 'Machines' }).click();
  await row.getByRole('button', { name: 'Console com1' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Console twoports com1' }).locator('.xterm-rows')).toContainText('FreeBSD/amd64 (twoports)');
});
