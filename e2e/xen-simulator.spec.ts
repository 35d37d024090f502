import { join } from 'node:path';
import { expect, shots, test } from './fixtures.js';
import { wizardToSummary } from './wizard.js';

/**
 * A FreeBSD DomU on a Xen Dom0, through the same screens, against the FreeBSD HOST SIMULATOR's fake xl (it reads
 * xl.cfg as xl does and runs each domain as a process with a fake guest on its serial pty; see
 * e2e/freebsd-host-simulator/README.md). Not Xen.
 */
test('install a FreeBSD DomU with Xen, log in on xl console and shut it down', async ({ page, xenDom0 }) => {
  await page.goto(xenDom0.url);
  await expect(page.getByLabel('Host', { exact: true })).toContainText('Xen (HVM domains)');

  const wizard = await wizardToSummary(page, { name: 'xen1', os: 'freebsd', cpus: '2', memory: '1G', diskSize: '1G', installMedia: xenDom0.iso });
  const dir = join(xenDom0.datastore, 'xen1');
  await expect(wizard.getByRole('definition').filter({ hasText: /^Xen$/ })).toBeVisible();
  const plan = wizard.getByRole('list', { name: 'Commands that will run' });
  await expect(plan).toContainText(`truncate -s 1G ${dir}/disk0.img`);
  await expect(plan).toContainText(`doas xl create ${dir}/xl.cfg`);
  // The DomU's configuration is shown before anything runs: the handbook's keys, the ISO as its CD.
  const files = wizard.getByRole('list', { name: 'Files that will be written' });
  await expect(files).toContainText(`writes ${dir}/xl.cfg`);
  await expect(files).toContainText(`'${xenDom0.iso},raw,hdc:cdrom,r'`);
  await expect(files).toContainText('vnclisten = "127.0.0.1"');
  await page.screenshot({ path: shots('xen-wizard-summary') });
  await wizard.getByRole('button', { name: 'Create' }).click();

  const row = page.getByRole('row', { name: 'xen1' });
  await expect(row).toContainText('xen');
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row).toContainText('running');
  // xl console attached as the domain started; xenconsoled kept the boot, so the list sees the login prompt.
  await expect(row).toContainText('login prompt', { timeout: 30_000 });

  await row.getByRole('button', { name: 'Console' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Console xen1 com1' });
  const screen = panel.locator('.xterm-rows');
  await expect(screen).toContainText('Trying to mount root from ufs:/dev/vtbd0p2', { timeout: 30_000 });
  await expect(screen).toContainText('login:');
  await panel.locator('.xterm-screen').click();
  await page.keyboard.type('root\n');
  await expect(screen).toContainText('root@xen1');
  // Ctrl-] would detach xl console for every tab: it never reaches it, and the console goes on.
  await page.keyboard.press('Control+BracketRight');
  await page.keyboard.type('uname -a\n');
  await expect(screen).toContainText('FreeBSD xen1 14.2-RELEASE');
  const log = page.getByRole('region', { name: 'Command log' });
  await expect(log.getByText('doas xl console xen1')).toHaveCount(1);
  await page.screenshot({ path: shots('xen-console') });

  await page.getByRole('tab', { name: 'Machines' }).click();
  await row.getByRole('button', { name: 'Stop' }).click();
  await expect(row).toContainText('stopped', { timeout: 20_000 });
  // As the handbook does after the install: the CD is out of xl.cfg and the .conf.
  await expect(row).not.toContainText('install media attached');
  await expect(log).toContainText('doas xl shutdown xen1');
  await page.screenshot({ path: shots('xen-list-stopped') });

  // Its page speaks of Xen: the switch is a Dom0 bridge, xendomains starts domains at boot, and nothing is measured.
  await row.getByRole('button', { name: 'xen1', exact: true }).click();
  const vmPage = page.getByRole('tabpanel', { name: 'VM xen1' });
  await expect(vmPage).toContainText('A switch is a bridge of this Dom0 by its name, such as bridge0');
  await expect(vmPage).not.toContainText('vm-bhyve’s .config/system.conf');
  await expect(vmPage.getByRole('region', { name: 'Activity' })).toContainText('Hivedesk does not measure the CPU and memory of Xen guests yet.');
  const boot = vmPage.getByRole('region', { name: 'Start at boot' });
  await expect(boot).toContainText('Xen domains start at boot from the xendomains service, which Hivedesk does not configure yet');
  await boot.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shots('xen-vm-page') });
});
