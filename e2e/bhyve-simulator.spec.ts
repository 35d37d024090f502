import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, shots, test } from './fixtures.js';
import { wizardToSummary } from './wizard.js';

/**
 * The same screens on the bhyve backend, against the FreeBSD HOST SIMULATOR (fake bhyve,
 * bhyveload, ifconfig… in a sandbox; see e2e/freebsd-host-simulator/README.md).
 */
test('install a FreeBSD guest with the bhyve backend and log in on its console', async ({ page, freebsd }) => {
  await page.goto(freebsd.url);
  await expect(page.getByLabel('Host', { exact: true })).toContainText('bhyve (vmm)');

  const wizard = await wizardToSummary(page, { name: 'fbsd1', os: 'freebsd', cpus: '1', memory: '512M', diskSize: '1G', installMedia: freebsd.iso });

  const plan = wizard.getByRole('list', { name: 'Commands that will run' });
  const nmdm = join(freebsd.root, 'dev', 'nmdm-fbsd1.1A');
  // No doas: truncate only writes the user's own datastore.
  await expect(plan).toContainText(`truncate -s 1G ${join(freebsd.datastore, 'fbsd1', 'disk0.img')}`);
  await expect(plan).toContainText(`doas bhyveload -c ${nmdm} -m 512M`);
  await expect(plan).toContainText(`-d ${freebsd.iso} fbsd1`);
  await expect(plan).toContainText(`-l com1,${nmdm} fbsd1`);
  // No .config/system.conf in the datastore: Hivedesk makes switch "public" a bridge of its own, the way vm-bhyve would, and says so.
  await expect(wizard.getByRole('list', { name: 'Good to know' })).toHaveText(/^Switch "public" is not in \.config\/system\.conf's switch_list, .* a bridge of its own, vm-public, /);
  await expect(plan).toContainText('doas ifconfig bridge create name vm-public group vm-switch up');
  // The identity the summary shows is the one the boot command uses and Create writes.
  const mac = (await wizard.locator('dt:text-is("MAC address") + dd').textContent()) ?? '';
  const uuid = (await wizard.locator('dt:text-is("UUID") + dd').textContent()) ?? '';
  expect(mac).toMatch(/^58:9c:fc:0[0-9a-f](:[0-9a-f]{2}){2}$/);
  await expect(plan).toContainText(`mac=${mac}`);
  await expect(plan).toContainText(`-U ${uuid}`);
  await page.screenshot({ path: shots('bhyve-wizard-summary') });
  await wizard.getByRole('button', { name: 'Create' }).click();

  const row = page.getByRole('row', { name: 'fbsd1' });
  await expect(row).toContainText('bhyve');
  const conf = await readFile(join(freebsd.datastore, 'fbsd1', 'fbsd1.conf'), 'utf8');
  expect(conf).toContain(`network0_mac="${mac}"`);
  expect(conf).toContain(`uuid="${uuid}"`);
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row).toContainText('running');
  // The console is read from the start: the list says when the guest waits at its login prompt.
  await expect(row).toContainText('login prompt', { timeout: 30_000 });
  await page.screenshot({ path: shots('bhyve-list-login-badge') });

  await row.getByRole('button', { name: 'Console' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Console fbsd1 com1' });
  const screen = panel.locator('.xterm-rows');
  // The console attached while the guest started, so the tab shows the boot up to the login prompt.
  await expect(screen).toContainText('Trying to mount root from ufs:/dev/vtbd0p2', { timeout: 30_000 });
  await expect(screen).toContainText('login:', { timeout: 30_000 });
  await panel.locator('.xterm-screen').click();
  await page.keyboard.type('root\n');
  await expect(screen).toContainText('root@fbsd1');
  await page.keyboard.type('uname -a\n');
  await expect(screen).toContainText('FreeBSD fbsd1 14.2-RELEASE');
  await page.screenshot({ path: shots('bhyve-console') });

  await page.getByRole('tab', { name: 'Machines' }).click();
  await row.getByRole('button', { name: 'Stop' }).click();
  await expect(row).toContainText('stopped', { timeout: 20_000 });
  await expect(row).not.toContainText('install media attached');
  const log = page.getByRole('region', { name: 'Command log' });
  await expect(log).toContainText('doas bhyvectl --destroy --vm=fbsd1');
  await page.screenshot({ path: shots('bhyve-list-stopped') });
});
