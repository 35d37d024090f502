import { join } from 'node:path';
import { expect, shots, test } from './fixtures.js';
import { wizardToSummary } from './wizard.js';

/**
 * A FreeBSD guest in VirtualBox, through the same screens, against the FreeBSD HOST SIMULATOR's fake VBoxManage (it
 * checks options and machine states as VBoxManage does and runs each machine with a fake guest on its uart socket;
 * see e2e/freebsd-host-simulator/README.md). Not VirtualBox.
 */
test('create a VirtualBox machine, log in on its serial socket and shut it down', async ({ page, virtualboxHost }) => {
  await page.goto(virtualboxHost.url);
  await expect(page.getByLabel('Host', { exact: true })).toContainText('VirtualBox (vboxdrv)');

  const wizard = await wizardToSummary(page, { name: 'vbox1', os: 'freebsd', cpus: '2', memory: '1G', diskSize: '2G', installMedia: virtualboxHost.iso });
  const folder = join(virtualboxHost.datastore, 'vbox1');
  const plan = wizard.getByRole('list', { name: 'Commands that will run' });
  await expect(plan).toContainText(`VBoxManage createvm --name vbox1 --ostype FreeBSD_64 --basefolder ${virtualboxHost.datastore} --register`);
  await expect(plan).toContainText(`--uart1 0x3F8 4 --uartmode1 server ${folder}/com1.sock`);
  await expect(plan).toContainText(`VBoxManage createmedium disk --filename ${folder}/disk0.vdi --size 2048 --format VDI`);
  await expect(plan).toContainText(`--type dvddrive --medium ${virtualboxHost.iso}`);
  await expect(plan).toContainText('VBoxManage startvm vbox1 --type headless');
  await page.screenshot({ path: shots('virtualbox-wizard-summary') });
  await wizard.getByRole('button', { name: 'Create' }).click();

  const row = page.getByRole('row', { name: 'vbox1' });
  await expect(row).toContainText('virtualbox');
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row).toContainText('running');

  await row.getByRole('button', { name: 'Console' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Console vbox1 com1' });
  const screen = panel.locator('.xterm-rows');
  await expect(panel.getByText('vbox1 · com1: connected')).toBeVisible();
  await panel.locator('.xterm-screen').click();
  // VirtualBox drops what the guest wrote before the socket had a client: Enter asks for a fresh login prompt.
  await page.keyboard.press('Enter');
  await expect(screen).toContainText('login:', { timeout: 30_000 });
  await page.keyboard.type('root\n');
  await expect(screen).toContainText('root@vbox1');
  await page.keyboard.type('uname -a\n');
  await expect(screen).toContainText('FreeBSD vbox1 14.2-RELEASE');
  await page.screenshot({ path: shots('virtualbox-console') });

  await page.getByRole('tab', { name: 'Machines' }).click();
  await row.getByRole('button', { name: 'Stop' }).click();
  await expect(row).toContainText('stopped', { timeout: 20_000 });
  const log = page.getByRole('region', { name: 'Command log' });
  await expect(log).toContainText('VBoxManage controlvm vbox1 acpipowerbutton');
  await page.screenshot({ path: shots('virtualbox-list-stopped') });
});
