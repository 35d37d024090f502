import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, shots, test } from './fixtures.js';
import { wizardToSummary } from './wizard.js';

/**
 * Clone through the UI (browser mode, QEMU): the dialog shows what will be done, the clone runs
 * as a job with a placeholder row and a progress bar, and the finished clone boots. Then its page
 * (snapshots and start at boot say plainly what this host cannot do) and a rename.
 */
test('clone a stopped VM, watch the job and the placeholder, start the clone, rename it', async ({ page, app }) => {
  test.setTimeout(300_000);
  await page.goto(app.url);
  // A 16 GiB disk that is all holes: the copy reads them, so the job runs long enough to be seen.
  const wizard = await wizardToSummary(page, { name: 'tiny', os: 'linux', cpus: '1', memory: '256M', diskSize: '16G', installMedia: app.iso });
  await wizard.getByRole('button', { name: 'Create' }).click();
  const row = page.getByRole('row', { name: 'tiny', exact: true });
  await expect(row).toContainText('stopped');

  await row.getByRole('button', { name: 'Clone…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clone tiny' });
  const newName = dialog.getByLabel('New name');
  await expect(newName).toHaveValue('tiny-clone');
  await newName.fill('TINY');
  await expect(dialog.getByText('A VM named TINY already exists.')).toBeVisible();
  await newName.fill('tiny two');
  await expect(dialog.getByText('A name cannot contain spaces.')).toBeVisible();
  await newName.fill('tiny2');
  const plan = dialog.getByRole('list', { name: 'What will be done' });
  await expect(plan).toContainText(`copy ${join(app.datastore, 'tiny')} to ${join(app.datastore, 'tiny2')}, keeping holes as holes: disk0.img (16G)`);
  await expect(plan).toContainText('with a new uuid and a new MAC for every NIC');
  await page.screenshot({ path: shots('clone-dialog') });
  await dialog.getByRole('button', { name: 'Clone', exact: true }).click();
  await expect(dialog).toBeHidden();

  // The placeholder: listed at once, being cloned, nothing to start; the source is held too.
  const clone = page.getByRole('row', { name: 'tiny2' });
  await expect(clone).toContainText('cloning');
  await expect(clone.getByRole('progressbar', { name: 'Clone tiny as tiny2: progress' })).toBeVisible();
  await expect(clone.getByRole('button', { name: 'Start' })).toBeDisabled();
  await expect(row.getByRole('button', { name: 'Start' })).toBeDisabled();
  await expect(row.getByRole('button', { name: 'Clone…' })).toBeDisabled();
  await expect(row).toContainText('(Clone tiny as tiny2…)');
  await page.screenshot({ path: shots('clone-placeholder') });

  await page.getByRole('button', { name: 'Jobs (1 running)' }).click();
  const job = page.getByRole('tabpanel', { name: 'Jobs' }).getByRole('listitem', { name: 'Clone tiny as tiny2' });
  await expect(job).toContainText('copying disk0.img');
  await expect(job.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await page.screenshot({ path: shots('jobs') });
  await expect(job).toContainText('succeeded', { timeout: 180_000 });
  await expect(job.getByRole('button', { name: 'Clear' })).toBeVisible();

  await page.getByRole('tab', { name: 'Machines' }).click();
  await expect(clone).toContainText('stopped');
  expect((await readdir(join(app.datastore, 'tiny2'))).sort()).toEqual(['disk0.img', 'tiny2.conf']);
  await clone.getByRole('button', { name: 'Start' }).click();
  await expect(clone).toContainText('running', { timeout: 30_000 });
  await clone.getByRole('button', { name: 'Console' }).click();
  const screen = page.getByRole('tabpanel', { name: 'Console tiny2 com1' }).locator('.xterm-rows');
  await expect(screen).toContainText('guest#', { timeout: 90_000 });
  await page.screenshot({ path: shots('clone-console') });
  await page.getByRole('tab', { name: 'Machines' }).click();
  await clone.getByRole('button', { name: 'Power off' }).click();
  await page.getByRole('dialog', { name: 'Power off tiny2?' }).getByRole('button', { name: 'Power off' }).click();
  await expect(clone).toContainText('stopped', { timeout: 15_000 });

  // Its page: what this host cannot do is said plainly.
  await clone.getByRole('button', { name: 'tiny2' }).click();
  const vmPage = page.getByRole('tabpanel', { name: 'VM tiny2' });
  await expect(vmPage.getByRole('region', { name: 'Snapshots' })).toContainText('snapshots need a ZFS datastore');
  await expect(vmPage.getByRole('region', { name: 'Start at boot' })).toContainText('Hivedesk cannot start guests at boot here');
  // On first view the settings' first field shows, and nothing (the Save bar) lies over it.
  const firstField = vmPage.locator('#set-tiny2-name');
  await expect(firstField).toBeInViewport({ ratio: 1 });
  const box = await firstField.boundingBox();
  const atItsMiddle = box ? `document.elementFromPoint(${box.x + box.width / 2}, ${box.y + box.height / 2})?.id` : 'undefined';
  expect(await page.evaluate(atItsMiddle)).toBe('set-tiny2-name');
  await page.screenshot({ path: shots('vm-page-lifecycle'), fullPage: true });

  await vmPage.getByRole('button', { name: 'Rename…' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename tiny2' });
  await rename.getByLabel('New name').fill('tiny3');
  await expect(rename.getByRole('list', { name: 'What will be done' })).toContainText(`rename ${join(app.datastore, 'tiny2')} to ${join(app.datastore, 'tiny3')}`);
  await rename.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(page.getByRole('tabpanel', { name: 'VM tiny3' })).toBeVisible();
  await page.getByRole('tab', { name: 'Machines' }).click();
  await expect(page.getByRole('row', { name: 'tiny3' })).toContainText('stopped');
  await expect(page.getByRole('row', { name: 'tiny2' })).toHaveCount(0);
});

test.describe('on a simulated FreeBSD host with vm-bhyve’s ZFS datastore', () => {
  test.use({ freebsdZfs: true });

  /** A guest as vm-bhyve makes one there: its own dataset, a zvol disk below it. */
  function vmBhyveGuest(root: string, datastore: string, name: string): void {
    const zfs = (...args: string[]) => execFileSync(join(import.meta.dirname, 'freebsd-host-simulator/bin/zfs'), args, { env: { ...process.env, FREEBSD_SIM_ROOT: root } });
    zfs('create', `zroot/vm/${name}`);
    writeFileSync(join(datastore, name, `${name}.conf`), 'loader="bhyveload"\ncpu=1\nmemory=256M\nnetwork0_type="virtio-net"\nnetwork0_switch="public"\ndisk0_type="virtio-blk"\ndisk0_name="disk0"\ndisk0_dev="sparse-zvol"\n');
    zfs('create', '-sV', '1G', '-o', 'volmode=dev', `zroot/vm/${name}/disk0`);
  }

  test('snapshots, start at boot and a ZFS clone from the VM page, each showing its commands first', async ({ page, freebsd }) => {
    test.setTimeout(180_000);
    vmBhyveGuest(freebsd.root, freebsd.datastore, 'web1');
    await page.goto(freebsd.url);
    await page.getByRole('row', { name: 'web1' }).getByRole('button', { name: 'web1' }).click();
    const vmPage = page.getByRole('tabpanel', { name: 'VM web1' });

    const snapshots = vmPage.getByRole('region', { name: 'Snapshots' });
    await expect(snapshots).toContainText('No snapshots yet.');
    await snapshots.getByLabel('Snapshot name').fill('before upgrade');
    await expect(snapshots.getByText('Use letters, digits')).toBeVisible();
    await snapshots.getByLabel('Snapshot name').fill('before-upgrade');
    await expect(snapshots.getByRole('list', { name: 'Commands that will run' })).toContainText('doas zfs snapshot -r zroot/vm/web1@before-upgrade');
    await snapshots.getByRole('button', { name: 'Take snapshot' }).click();
    await expect(snapshots.getByRole('row', { name: 'before-upgrade' })).toBeVisible();
    await snapshots.getByRole('row', { name: 'before-upgrade' }).getByRole('button', { name: 'Roll back…' }).click();
    const rollback = page.getByRole('dialog', { name: 'Roll back web1 to before-upgrade?' });
    await expect(rollback.getByRole('list', { name: 'Commands that will run' })).toContainText('doas zfs rollback zroot/vm/web1/disk0@before-upgrade');
    await page.screenshot({ path: shots('snapshot-rollback') });
    await rollback.getByRole('button', { name: 'Cancel' }).click();

    const autostart = vmPage.getByRole('region', { name: 'Start at boot' });
    await autostart.getByLabel('Start web1 at boot').check();
    await autostart.getByLabel('Seconds between guests').fill('5');
    const commands = autostart.getByRole('list', { name: 'Commands that will run' });
    await expect(commands).toContainText('doas sysrc vm_list=web1');
    await expect(commands).toContainText('doas sysrc vm_delay=5');
    await page.screenshot({ path: shots('vm-page-zfs'), fullPage: true });
    await autostart.getByRole('button', { name: 'Save start at boot' }).click();
    await expect(autostart).toContainText('Order now: web1.');
    expect(readFileSync(join(freebsd.root, 'hostfs', 'etc', 'rc.conf'), 'utf8')).toContain('vm_list="web1"');

    await vmPage.getByRole('button', { name: 'Clone…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Clone web1' });
    await dialog.getByLabel('New name').fill('web2');
    const plan = dialog.getByRole('list', { name: 'What will be done' });
    await expect(plan).toContainText(/doas zfs snapshot -r zroot\/vm\/web1@[0-9a-f]{8}/);
    await expect(plan).toContainText(/doas zfs clone zroot\/vm\/web1\/disk0@[0-9a-f]{8} zroot\/vm\/web2\/disk0/);
    await dialog.getByRole('button', { name: 'Clone', exact: true }).click();
    await page.getByRole('tab', { name: 'Machines' }).click();
    await expect(page.getByRole('row', { name: 'web2' })).toContainText('stopped', { timeout: 60_000 });
    await page.getByRole('row', { name: 'web2' }).getByRole('button', { name: 'Start' }).click();
    await expect(page.getByRole('row', { name: 'web2' })).toContainText('running', { timeout: 30_000 });
  });
});
