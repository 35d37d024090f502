import { readdir } from 'node:fs/promises';
import { expect, shots, test } from './fixtures.js';

/** Every refusal shows its message next to the field, and nothing is created. */
test('the wizard refuses bad names, sizes and a missing ISO, and creates nothing', async ({ page, app }) => {
  await page.goto(app.url);
  await page.getByRole('button', { name: 'New VM' }).click();
  const wizard = page.getByRole('dialog', { name: 'New VM' });
  const name = wizard.getByLabel('Name');
  const next = wizard.getByRole('button', { name: 'Next' });

  const badNames: [string, string][] = [
    ['', 'Enter a name.'],
    ['my vm', 'A name cannot contain spaces.'],
    ['a/b', 'A name cannot contain "/".'],
    ['..', 'A name cannot contain "..".'],
    ['-rf', 'A name cannot start with "-".'],
    ['x'.repeat(32), 'A name can have at most 31 characters.'],
  ];
  for (const [value, message] of badNames) {
    await name.fill(value);
    await next.click();
    await expect(wizard.getByRole('alert')).toHaveText(message);
    await expect(name).toHaveAttribute('aria-invalid', 'true');
  }
  await page.screenshot({ path: shots('wizard-bad-name') });

  await name.fill('good1');
  await next.click();
  const cpus = wizard.getByLabel('CPUs');
  const memory = wizard.getByLabel('Memory');
  const disk = wizard.getByLabel('Disk size');
  const badResources: [typeof cpus, string, string][] = [
    [cpus, 'abc', 'CPUs must be a whole number.'],
    [cpus, '0', 'CPUs must be between 1 and 64.'],
    [cpus, '999', 'CPUs must be between 1 and 64.'],
    [memory, 'lots', 'Memory must be a number with an optional unit M, G or T, for example 512M or 2G.'],
    [memory, '8M', 'Memory must be between 32M and 1T.'],
    [disk, '100T', 'Disk size must be between 16M and 64T.'],
  ];
  for (const [field, value, message] of badResources) {
    await field.fill(value);
    await next.click();
    await expect(wizard.getByText(message)).toBeVisible();
    await field.fill(field === cpus ? '1' : field === memory ? '256M' : '1G');
  }
  await next.click();

  await wizard.getByLabel('Install media').fill('/nonexistent/installer.iso');
  await next.click();
  await expect(wizard.getByRole('alert')).toHaveText('There is no file at /nonexistent/installer.iso.');
  await wizard.getByLabel('Install media').fill('/dev/null');
  await next.click();
  await expect(wizard.getByRole('alert')).toHaveText('/dev/null is a character device, not an ISO file or a CD/DVD drive.');
  await wizard.getByLabel('Install media').fill('relative.iso');
  await next.click();
  await expect(wizard.getByRole('alert')).toHaveText('Use an absolute path (starting with "/").');
  await page.screenshot({ path: shots('wizard-bad-media') });

  await wizard.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('No virtual machines yet')).toBeVisible();
  expect(await readdir(app.datastore)).toEqual([]);
});

test('a duplicate name is refused, whatever its case', async ({ page, app }) => {
  await page.goto(app.url);
  for (const [vmName, expectError] of [['dup1', false], ['DUP1', true]] as const) {
    await page.getByRole('button', { name: 'New VM' }).click();
    const wizard = page.getByRole('dialog', { name: 'New VM' });
    await wizard.getByLabel('Name').fill(vmName);
    await wizard.getByRole('button', { name: 'Next' }).click();
    if (expectError) {
      await expect(wizard.getByRole('alert')).toHaveText('A VM named DUP1 already exists.');
      await wizard.getByRole('button', { name: 'Cancel' }).click();
      continue;
    }
    await wizard.getByLabel('Disk size').fill('64M');
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByRole('row', { name: 'dup1' })).toContainText('stopped');
  }
  expect(await readdir(app.datastore)).toEqual(['dup1']);
});
