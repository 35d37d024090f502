import type { Locator, Page } from '@playwright/test';

export interface NewVm {
  name: string;
  os: 'linux' | 'freebsd' | 'windows' | 'other';
  cpus: string;
  memory: string;
  diskSize: string;
  installMedia: string;
}

/** Clicks through the New VM wizard as a person does, up to its summary; returns the dialog. */
export async function wizardToSummary(page: Page, vm: NewVm): Promise<Locator> {
  await page.getByRole('button', { name: 'New VM' }).click();
  const wizard = page.getByRole('dialog', { name: 'New VM' });
  await wizard.getByLabel('Name').fill(vm.name);
  await wizard.getByLabel('Operating system').selectOption(vm.os);
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByLabel('CPUs').fill(vm.cpus);
  await wizard.getByLabel('Memory').fill(vm.memory);
  await wizard.getByLabel('Disk size').fill(vm.diskSize);
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByLabel('Install media').fill(vm.installMedia);
  await wizard.getByRole('button', { name: 'Next' }).click();
  return wizard;
}
