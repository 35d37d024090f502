import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRunning } from '../electron/host/process.js';
import { expect, shots, test } from './fixtures.js';
import { wizardToSummary } from './wizard.js';

/** A new user's path in browser mode: wizard, Start, Console, type, read, Power off. */
test('create a VM from an ISO, boot it, use its console, power it off', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByText('No virtual machines yet')).toBeVisible();
  await expect(page).not.toHaveURL(/token=/);

  const wizard = await wizardToSummary(page, { name: 'tiny', os: 'linux', cpus: '1', memory: '256M', diskSize: '1G', installMedia: app.iso });

  const plan = wizard.getByRole('list', { name: 'Commands that will run' });
  await expect(plan).toContainText(`truncate -s 1G ${join(app.datastore, 'tiny', 'disk0.img')}`);
  await expect(plan).toContainText('qemu-system-x86_64 -name tiny');
  await expect(plan).toContainText(`file=${app.iso},media=cdrom,readonly=on`);
  await expect(wizard.getByRole('list', { name: 'Good to know' })).toContainText('Networking is QEMU user mode (NAT)');
  await page.screenshot({ path: shots('wizard-summary') });
  await wizard.getByRole('button', { name: 'Create' }).click();
  await expect(wizard).toBeHidden();

  const row = page.getByRole('row', { name: 'tiny' });
  await expect(row).toContainText('stopped');
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row).toContainText('running', { timeout: 30_000 });
  // Read while the guest runs (the row says running only once QEMU has written its pidfile), so the
  // end of the test can check that this very process is gone, not whatever the file holds by then.
  const pidText = await readFile(join(app.datastore, 'tiny', 'qemu.pid'), 'utf8');
  expect(pidText.trim()).toMatch(/^[1-9]\d*$/);
  const pid = Number(pidText);
  expect(isRunning(pid)).toBe(true);
  await page.screenshot({ path: shots('list-running') });

  await row.getByRole('button', { name: 'Console' }).click();
  const consolePanel = page.getByRole('tabpanel', { name: 'Console tiny com1' });
  const screen = consolePanel.locator('.xterm-rows');
  await expect(screen).toContainText('guest#', { timeout: 60_000 });
  await consolePanel.locator('.xterm-screen').click();
  await page.keyboard.type('echo hello-$((6*7))\n');
  await expect(screen).toContainText('hello-42');
  await page.screenshot({ path: shots('console') });

  // A tab opened later shares the same session and replays what the guest printed.
  await page.getByRole('button', { name: 'Close console tiny' }).click();
  await page.getByRole('tab', { name: 'Machines' }).click();
  await row.getByRole('button', { name: 'Console' }).click();
  await expect(screen).toContainText('hello-42');

  await page.getByRole('tab', { name: 'Machines' }).click();
  await row.getByRole('button', { name: 'Power off' }).click();
  const confirm = page.getByRole('dialog', { name: 'Power off tiny?' });
  await expect(confirm).toContainText('anything the guest has not saved is lost');
  await confirm.getByRole('button', { name: 'Power off' }).click();
  await expect(row).toContainText('stopped', { timeout: 15_000 });
  // Stopping the guest ends the shared console session; the tab says so instead of hanging.
  await page.getByRole('tab', { name: 'tiny · com1' }).click();
  await expect(consolePanel.getByText('tiny · com1: disconnected: tiny stopped')).toBeVisible();
  await page.getByRole('tab', { name: 'Machines' }).click();

  // Power off again at the end: first, the open tab follows the guest into its next boot.
  await expect.poll(() => isRunning(pid)).toBe(false);
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row).toContainText('running', { timeout: 30_000 });
  await page.getByRole('tab', { name: 'tiny · com1' }).click();
  await consolePanel.getByRole('button', { name: 'Reconnect' }).click();
  await expect(consolePanel.getByText('tiny · com1: connected')).toBeVisible();
  await expect(screen).toContainText('Hivedesk test guest', { timeout: 60_000 });
  await page.getByRole('tab', { name: 'Machines' }).click();
  await row.getByRole('button', { name: 'Power off' }).click();
  await page.getByRole('dialog', { name: 'Power off tiny?' }).getByRole('button', { name: 'Power off' }).click();
  await expect(row).toContainText('stopped', { timeout: 15_000 });

  // Only a qemu command's own row (the newest) shows how it ended (other commands exit 0 too); -daemonize
  // makes it exit once the guest is up, so it says exit 0 even though the guest ran on.
  const log = page.getByRole('region', { name: 'Command log' });
  const qemuCommand = log.getByRole('listitem').filter({ hasText: 'qemu-system-x86_64 -name tiny' }).first();
  await expect(qemuCommand).toContainText('exit 0');
  await page.screenshot({ path: shots('list-stopped-with-log') });

  expect((await readdir(join(app.datastore, 'tiny'))).sort()).toEqual(expect.arrayContaining(['disk0.img', 'tiny.conf']));

  // Deleting asks first, by name, and takes the disk only when the box is ticked.
  await row.getByRole('button', { name: 'Delete' }).click();
  const remove = page.getByRole('dialog', { name: 'Delete tiny?' });
  await expect(remove).toContainText('Its disks are kept unless you tick the box.');
  await remove.getByLabel('Also delete its disk images (disk0.img)').check();
  await remove.getByRole('button', { name: 'Delete tiny' }).click();
  await expect(page.getByRole('status')).toHaveText('Deleted tiny.');
  await expect(page.getByText('No virtual machines yet')).toBeVisible();
  expect(await readdir(app.datastore)).toEqual([]);
});
