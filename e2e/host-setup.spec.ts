import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, shots, test } from './fixtures.js';
import { wizardToSummary } from './wizard.js';

/**
 * The Host setup view, on a bare FreeBSD HOST SIMULATOR (fake kldload, ifconfig, pkg, sysrc... in a sandbox:
 * not FreeBSD) and on this Linux machine for real.
 */

async function openHostSetup(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Host setup' }).click();
  const view = page.getByRole('tabpanel', { name: 'Host setup' });
  await expect(view.getByRole('article').first()).toBeVisible();
  return view;
}

const check = (view: Locator, title: string) => view.getByRole('article', { name: title });

/** What the simulated host ran, tool by tool (a `doas` line is followed by the command it ran). */
async function simulatorRecords(root: string): Promise<{ argv: string[]; pid: number }[]> {
  const text = await readFile(join(root, 'commands.jsonl'), 'utf8');
  return text.trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; pid: number });
}

async function simulatorCommands(root: string): Promise<string[][]> {
  return (await simulatorRecords(root)).map((r) => r.argv);
}

/** Commands that only look: what Hivedesk reads the host with, before and after each fix. */
function readOnly(argv: string[]): boolean {
  const [tool, ...args] = argv;
  if (tool === 'kldstat' || tool === 'netstat') return true;
  if (tool === 'sysctl') return args.every((a) => !a.includes('='));
  if (tool === 'ifconfig') return args.length === 0 || (args.length === 1 && (args[0] === '-l' || !args[0]?.startsWith('-'))) || (args.length === 2 && args[0] === '-g');
  // The simulator has VirtualBox's and Xen's tools too: Hivedesk lists their guests every second.
  if (tool === 'VBoxManage') return args[0] === 'list' || args[0] === 'showvminfo';
  if (tool === 'xl') return args[0] === 'list';
  return false;
}

test('the Host setup screen shows the checks; a fix shows its commands before it runs; the check passes after', async ({ page, bareFreebsd }) => {
  await page.goto(bareFreebsd.url);
  const view = await openHostSetup(page);
  await expect(check(view, 'CPU virtualisation')).toContainText('OK');
  await expect(check(view, 'CPU virtualisation')).toContainText('VT-x with EPT and unrestricted guest');
  const vmm = check(view, 'vmm kernel module');
  await expect(vmm).toContainText('Missing');
  await expect(vmm).toContainText('bhyve runs guests through the vmm kernel module');
  await vmm.getByText('Evidence').click();
  await expect(vmm).toContainText('kldstat -q -m vmm: exit 1 (not in the kernel)');
  await page.screenshot({ path: shots('host-setup-bare') });

  // A fix whose file edit is shown as a diff, with the commands under it.
  await check(view, 'Modules load at boot').getByRole('button', { name: 'Fix' }).click();
  const persist = page.getByRole('dialog', { name: 'Fix: Modules load at boot' });
  await expect(persist.getByLabel('Changes to /etc/rc.conf')).toContainText('+kld_list="vmm nmdm"');
  await expect(persist.getByRole('list', { name: 'Commands that will run' })).toHaveText("doas sysrc 'kld_list+=vmm nmdm'");
  await page.screenshot({ path: shots('host-setup-fix-diff') });
  await persist.getByRole('button', { name: 'Cancel' }).click();
  await expect(persist).toBeHidden();

  await vmm.getByRole('button', { name: 'Fix' }).click();
  const dialog = page.getByRole('dialog', { name: 'Fix: vmm kernel module' });
  await expect(dialog.getByRole('list', { name: 'Commands that will run' })).toHaveText('doas kldload vmm');
  // Shown, not run: the simulated host has not seen a kldload yet.
  expect((await simulatorCommands(bareFreebsd.root)).some((argv) => argv[0] === 'kldload')).toBe(false);
  await dialog.getByRole('button', { name: 'Run these commands' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Done. The checks ran again.');
  await expect(dialog.getByRole('list', { name: 'What ran' })).toContainText('doas kldload vmm');
  await page.screenshot({ path: shots('host-setup-fix-done') });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(vmm).toContainText('OK');
  await expect(vmm).toContainText('vmm is in the kernel.');
  expect((await simulatorCommands(bareFreebsd.root)).filter((argv) => argv[0] === 'kldload')).toEqual([['kldload', 'vmm']]);

  // A refused command: its stderr is shown, and the check stays missing.
  await writeFile(join(bareFreebsd.root, 'control/doas.deny'), '');
  await check(view, 'nmdm kernel module').getByRole('button', { name: 'Fix' }).click();
  const refused = page.getByRole('dialog', { name: 'Fix: nmdm kernel module' });
  await refused.getByRole('button', { name: 'Run these commands' }).click();
  await expect(refused.getByRole('status')).toHaveText('A command failed; nothing after it ran.');
  await expect(refused.getByRole('list', { name: 'What ran' })).toContainText('doas: Operation not permitted');
  await page.screenshot({ path: shots('host-setup-fix-failed') });
  await refused.getByRole('button', { name: 'Close' }).click();
  await expect(check(view, 'nmdm kernel module')).toContainText('Missing');
});

test('done when: from a bare simulated FreeBSD host to a running bhyve guest with only Host setup and the wizard, every command shown first', async ({ page, bareFreebsd }) => {
  test.setTimeout(300_000);
  await page.goto(bareFreebsd.url);

  // The wizard links a failing check to its fix: a UEFI guest on a host without firmware.
  let wizard = await wizardToSummary(page, { name: 'linux1', os: 'linux', cpus: '1', memory: '512M', diskSize: '1G', installMedia: bareFreebsd.iso });
  const hints = wizard.getByRole('note', { name: 'Host setup' });
  await expect(hints).toContainText('UEFI firmware');
  await page.screenshot({ path: shots('host-setup-wizard-hint') });
  await hints.getByRole('button', { name: 'UEFI firmware' }).click();
  await expect(wizard).toBeHidden();
  const view = page.getByRole('tabpanel', { name: 'Host setup' });
  await expect(check(view, 'UEFI firmware')).toHaveClass(/focused/);

  const shown: string[] = [];
  const status = view.getByRole('status');
  for (let round = 0; round < 30; round++) {
    await expect(view.getByRole('article').first()).toBeVisible();
    const fixes = view.getByRole('button', { name: 'Fix' });
    if ((await fixes.count()) === 0) break;
    const row = view.getByRole('article').filter({ has: page.getByRole('button', { name: 'Fix' }) }).first();
    const title = (await row.getByRole('heading').textContent()) ?? '';
    await row.getByRole('button', { name: 'Fix' }).click();
    const dialog = page.getByRole('dialog', { name: `Fix: ${title}` });
    const commands = dialog.getByRole('list', { name: 'Commands that will run' }).getByRole('listitem');
    await expect(commands.first()).toBeVisible();
    shown.push(...(await commands.allTextContents()));
    if (title === 'A bridge to the network') await expect(dialog.getByRole('list', { name: 'Before you run this' })).toContainText('may drop for a few seconds');
    await dialog.getByRole('button', { name: 'Run these commands' }).click();
    await expect(dialog.getByRole('status')).toHaveText('Done. The checks ran again.', { timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(check(view, title)).toContainText('OK');
  }
  await expect(status).toHaveText('Everything is ready.');
  await view.getByRole('heading', { name: 'Host setup' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: shots('host-setup-ready') });

  await page.getByRole('tab', { name: 'Machines' }).click();
  wizard = await wizardToSummary(page, { name: 'fbsd1', os: 'freebsd', cpus: '1', memory: '512M', diskSize: '1G', installMedia: bareFreebsd.iso });
  await expect(wizard.getByRole('note', { name: 'Host setup' })).toHaveCount(0);
  const plan = wizard.getByRole('list', { name: 'Commands that will run' });
  await expect(plan).toContainText('doas bhyve ');
  shown.push(...(await plan.locator('code').allTextContents()));
  await wizard.getByRole('button', { name: 'Create' }).click();
  const row = page.getByRole('row', { name: 'fbsd1' });
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row).toContainText('running', { timeout: 30_000 });
  await row.getByRole('button', { name: 'Console' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Console fbsd1 com1' }).locator('.xterm-rows')).toContainText('login:', { timeout: 30_000 });
  await page.screenshot({ path: shots('host-setup-guest-running') });

  // Every command that changed the host was on a screen first: in a Fix dialog or in the wizard's plan.
  const records = await simulatorRecords(bareFreebsd.root);
  const argvs = records.map((r) => r.argv);
  // doas records itself, then execs the command in the same process: its record has doas's pid (others interleave).
  const asRoot = records.flatMap((r, i) => (r.argv[0] === 'doas' ? [records.slice(i + 1).find((next) => next.pid === r.pid)?.argv ?? []] : []));
  const changes = asRoot.filter((argv) => !readOnly(argv));
  expect(changes.length).toBeGreaterThan(10);
  // The wizard draws the guest's uuid and MAC for its plan, and Create draws them again (vm-bhyve writes both at
  // create): those two values may differ between the plan shown and the start; every other word may not.
  const drawn = (line: string) => line.replaceAll("'", '').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>').replace(/mac=[0-9a-f:]{17}/g, 'mac=<mac>');
  const unshown = changes.map((argv) => drawn(`doas ${argv.join(' ')}`)).filter((line) => !shown.some((s) => drawn(s) === line));
  expect(unshown).toEqual([]);
  expect(argvs.filter((argv) => argv[0] !== 'doas' && !readOnly(argv) && !asRoot.includes(argv))).toEqual([]);
});

test('on this Linux machine: QEMU is there, KVM is not usable, so guests run under TCG', async ({ page, app }) => {
  await page.goto(app.url);
  const view = await openHostSetup(page);
  await expect(view.getByRole('region', { name: 'Linux (QEMU)' })).toBeVisible();
  await expect(check(view, 'QEMU')).toContainText('OK');
  const kvm = check(view, 'KVM acceleration');
  await expect(kvm).toContainText('Missing');
  await expect(kvm).toContainText('guests run under the slower TCG');
  await expect(kvm.getByRole('button', { name: 'Fix' })).toHaveCount(0);
  await expect(view.getByRole('region', { name: 'FreeBSD as a guest' })).toBeVisible();
  await view.getByRole('button', { name: 'VMware Fusion' }).click();
  await expect(view.getByRole('list', { name: 'VMware Fusion guest settings' })).toContainText('ifconfig_em0="DHCP"');
  await page.screenshot({ path: shots('host-setup-linux') });
});

test('FreeBSD as a guest: the handbook\'s lines for each hypervisor, each with a Copy button that copies it', async ({ page, app, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(app.url);
  const view = await openHostSetup(page);
  const panel = view.getByRole('region', { name: 'FreeBSD as a guest' });
  const parallels = panel.getByRole('list', { name: 'Parallels Desktop guest settings' });
  await expect(parallels).toContainText('kern.hz=100');
  await expect(parallels).toContainText('ifconfig_ed0="DHCP"');
  await expect(parallels).toContainText('every network driver but ed(4) and miibus(4)');
  await parallels.getByRole('button', { name: 'Copy /etc/rc.conf: ifconfig_ed0="DHCP"' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('ifconfig_ed0="DHCP"');
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shots('host-setup-guest-panel') });

  await panel.getByRole('button', { name: 'VirtualBox' }).click();
  const vbox = panel.getByRole('list', { name: 'VirtualBox guest settings' });
  await expect(vbox).toContainText('pkg install virtualbox-ose-additions');
  await expect(vbox).toContainText('vboxservice_flags="--disable-timesync"');
  await vbox.getByRole('button', { name: 'Copy /etc/rc.conf: vboxguest_enable="YES"' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('vboxguest_enable="YES"\nvboxservice_enable="YES"');
  await expect(vbox.getByRole('button', { name: /^Copy / })).toHaveCount(5);

  await panel.getByRole('button', { name: 'VMware Fusion' }).click();
  const vmware = panel.getByRole('list', { name: 'VMware Fusion guest settings' });
  await expect(vmware).toContainText('pkg install xf86-video-vmware xf86-input-vmmouse open-vm-tools');
  await expect(vmware.getByRole('button', { name: 'Copy /boot/loader.conf: kern.hz=100' })).toBeVisible();
});
