import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, shots, test } from './fixtures.js';
import { wizardToSummary } from './wizard.js';

/** The test guest's activity in its row and on its page; then another datastore opened and back. */
test('a running guest shows its activity; Open datastore refuses a folder that is not one, opens another, and comes back', async ({ page, app }) => {
  const elsewhere = await mkdtemp(join(tmpdir(), 'hivedesk-e2e-other-'));
  try {
    await page.goto(app.url);
    const wizard = await wizardToSummary(page, { name: 'tiny', os: 'linux', cpus: '1', memory: '256M', diskSize: '1G', installMedia: app.iso });
    await wizard.getByRole('button', { name: 'Create' }).click();
    const row = page.getByRole('row', { name: 'tiny' });
    await row.getByRole('button', { name: 'Start' }).click();
    await expect(row).toContainText('running', { timeout: 30_000 });

    // The sparkline's text alternative carries the current values; it follows its guest's samples.
    const spark = row.getByRole('img', { name: /^CPU \d+(\.\d)? %, memory \d+ MiB$/ });
    await expect(spark).toBeVisible({ timeout: 20_000 });
    await expect(spark.locator('polyline')).toHaveAttribute('points', /\d+(\.\d)?,\d+(\.\d)? \d+(\.\d)?,\d+(\.\d)?/, { timeout: 10_000 });
    await page.screenshot({ path: shots('list-activity') });

    await row.getByRole('button', { name: 'tiny', exact: true }).click();
    const vmPage = page.getByRole('tabpanel', { name: 'VM tiny' });
    const activity = vmPage.getByRole('region', { name: 'Activity' });
    await expect(activity.getByRole('img', { name: /^CPU over the last 5 minutes: now \d+(\.\d)? %, highest \d+(\.\d)? %$/ })).toBeVisible();
    await expect(activity.getByRole('img', { name: /^Memory over the last 5 minutes: now \d+ MiB/ })).toBeVisible();
    await expect(activity).toContainText('100 %');
    await expect(activity).toContainText('5 min ago');
    await page.screenshot({ path: shots('vm-activity') });

    await page.getByRole('button', { name: 'Open datastore…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open datastore' });
    await expect(dialog).toContainText(`Open now: ${app.datastore}`);
    await expect(dialog.getByRole('button', { name: "Use vm-bhyve's (vm_dir)" })).toHaveCount(0);
    await writeFile(join(elsewhere, 'notes.txt'), 'not a guest');
    await dialog.getByLabel('Folder').fill(elsewhere);
    await dialog.getByRole('button', { name: 'Open' }).click();
    await expect(dialog.getByRole('alert')).toContainText(`${elsewhere} is not a vm-bhyve datastore`);
    await page.screenshot({ path: shots('open-datastore-refused') });

    await rm(join(elsewhere, 'notes.txt'));
    await dialog.getByRole('button', { name: 'Open' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('definition').filter({ hasText: elsewhere })).toBeVisible();
    // tiny's page belonged to the other datastore: its tab closed, and Machines shows this one's (none).
    await expect(page.getByRole('tab', { name: /tiny/ })).toHaveCount(0);
    await expect(page.getByRole('tab', { name: 'Machines' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByText('No virtual machines yet')).toBeVisible();

    // Back: the guest kept running all along.
    await page.getByRole('button', { name: 'Open datastore…' }).click();
    await dialog.getByLabel('Folder').fill(app.datastore);
    await dialog.getByRole('button', { name: 'Open' }).click();
    await expect(row).toContainText('running');
    await expect(spark).toBeVisible({ timeout: 20_000 });
  } finally {
    await rm(elsewhere, { recursive: true, force: true });
  }
});
