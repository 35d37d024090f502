import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, shots, test, type WebApp } from './fixtures.js';
import { wizardToSummary } from './wizard.js';

/** The one part of an element a check here reads (the e2e code has no DOM types). */
interface Scrolled { scrollWidth: number; clientWidth: number }

/** Types a command into the guest's shell and returns the screen's text once `until` shows after it. */
async function inGuest(page: Page, screen: Locator, command: string, until: RegExp): Promise<string> {
  await page.keyboard.type(`${command}\n`);
  await expect(screen).toContainText(until, { timeout: 20_000 });
  return (await screen.textContent()) ?? '';
}

/** The last MemTotal the guest printed, in kB. */
function memTotal(text: string): number {
  const all = [...text.matchAll(/MemTotal:\s*(\d+) kB/g)];
  return Number(all.at(-1)?.[1] ?? NaN);
}

async function createTiny(page: Page, app: WebApp, name: string): Promise<Locator> {
  await page.goto(app.url);
  const wizard = await wizardToSummary(page, { name, os: 'linux', cpus: '1', memory: '256M', diskSize: '1G', installMedia: app.iso });
  await wizard.getByRole('button', { name: 'Create' }).click();
  await expect(wizard).toBeHidden();
  return page.getByRole('row', { name });
}

/**
 * A person gives a running guest more memory and a second disk in Settings, sees that both wait
 * for the next start, restarts it, and the guest has them. The test guest's kernel has NVMe built
 * in (virtio-blk is a module it does not load), so the new disk is an NVMe one.
 */
test('Settings: more memory and a new disk apply at the next start, and the guest sees them', async ({ page, app }) => {
  test.setTimeout(240_000);
  const row = await createTiny(page, app, 'tinyset');
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row).toContainText('running', { timeout: 30_000 });
  await row.getByRole('button', { name: 'Console' }).click();
  const consolePanel = page.getByRole('tabpanel', { name: 'Console tinyset com1' });
  const screen = consolePanel.locator('.xterm-rows');
  await expect(screen).toContainText('guest#', { timeout: 60_000 });
  await consolePanel.locator('.xterm-screen').click();
  const before = await inGuest(page, screen, 'grep MemTotal /proc/meminfo; cat /proc/partitions; echo listed-$((1+1))', /listed-2/);
  expect(memTotal(before)).toBeLessThan(256 * 1024);
  expect(before).not.toContain('nvme0n1');

  await page.getByRole('tab', { name: 'Machines' }).click();
  await row.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('form', { name: 'Settings of tinyset' });
  const actions = page.getByRole('group', { name: "Save tinyset's settings" });
  await expect(settings.getByLabel('Memory')).toHaveValue('256M');
  await expect(settings.getByRole('note')).toContainText('tinyset is running. What you save applies at its next start');

  // A bad value is refused next to its field, before anything is sent.
  await settings.getByLabel('Memory').fill('lots');
  await settings.getByLabel('Memory').blur();
  await settings.getByLabel('CPUs').fill('0');
  await settings.getByLabel('CPUs').blur();
  await expect(settings.locator('#set-tinyset-memory-error')).toHaveText('Memory must be a number with an optional unit M, G or T, for example 512M or 2G.');
  await expect(settings.locator('#set-tinyset-cpus-error')).toHaveText('CPUs must be between 1 and 64.');
  await settings.getByLabel('CPUs').fill('1');

  await settings.getByLabel('Memory').fill('512M');
  await settings.getByRole('button', { name: 'Add new disk' }).click();
  const disk1 = settings.getByRole('group', { name: /^disk1/ });
  await disk1.getByLabel('Emulation').selectOption('nvme');
  await disk1.getByLabel('Size').fill('64M');
  const diskPath = join(app.datastore, 'tinyset', 'disk1.img');
  const preview = page.getByRole('region', { name: 'Command preview' });
  await expect(preview.getByRole('list', { name: 'Save runs first' })).toContainText(`truncate -s 64M ${diskPath}`);
  await expect(preview.getByRole('list', { name: 'Next start runs' })).toContainText('-m 512M');
  await expect(preview.getByRole('list', { name: 'Next start runs' })).toContainText(`file=${diskPath},format=raw,if=none,id=disk1 -device nvme,drive=disk1`);
  await expect(preview.getByLabel('Changes Save writes')).toContainText('+memory="512M"');
  await page.screenshot({ path: shots('settings-edit-running'), fullPage: true });

  await actions.getByRole('button', { name: 'Save' }).click();
  await expect(actions.getByRole('status', { name: 'Saved' })).toContainText('tinyset is running');
  await expect(settings.locator('#set-tinyset-memory-pending')).toHaveText('applies at next start');
  expect((await readFile(join(app.datastore, 'tinyset', 'tinyset.conf'), 'utf8'))).toMatch(/^memory="512M"$/m);
  await settings.getByRole('heading', { name: 'Disks' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: shots('settings-saved-pending'), fullPage: true });

  await page.getByRole('tab', { name: 'Machines' }).click();
  await expect(row.getByText('applies at next start')).toBeVisible();
  await page.screenshot({ path: shots('list-applies-at-next-start') });

  // Restart: Power off, then Start; the guest boots with the file as it is now.
  await row.getByRole('button', { name: 'Power off' }).click();
  await page.getByRole('dialog', { name: 'Power off tinyset?' }).getByRole('button', { name: 'Power off' }).click();
  await expect(row).toContainText('stopped', { timeout: 15_000 });
  await expect(row.getByText('applies at next start')).toBeHidden();
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row).toContainText('running', { timeout: 30_000 });
  await expect(row.getByText('applies at next start')).toBeHidden();

  await page.getByRole('tab', { name: 'tinyset · com1' }).click();
  await consolePanel.getByRole('button', { name: 'Reconnect' }).click();
  await expect(screen).toContainText('guest#', { timeout: 60_000 });
  await consolePanel.locator('.xterm-screen').click();
  const after = await inGuest(page, screen, 'cat /proc/partitions; grep MemTotal /proc/meminfo; echo listed-$((2+2))', /listed-4/);
  expect(after).toMatch(/\s+259\s+\d+\s+65536 nvme0n1/);
  expect(memTotal(after)).toBeGreaterThan(400 * 1024);
  await page.screenshot({ path: shots('settings-guest-sees-disk') });

  await page.getByRole('tab', { name: 'tinyset', exact: true }).click();
  await expect(page.getByRole('form', { name: 'Settings of tinyset' }).locator('#set-tinyset-memory-pending')).toHaveCount(0);
  await page.getByRole('tab', { name: 'Machines' }).click();
  await row.getByRole('button', { name: 'Power off' }).click();
  await page.getByRole('dialog', { name: 'Power off tinyset?' }).getByRole('button', { name: 'Power off' }).click();
  await expect(row).toContainText('stopped', { timeout: 15_000 });
});

test('Settings: the form follows a hand edit; with edits of its own it says so at once, and Reload keeps them; history reverts a save', async ({ page, app }) => {
  const row = await createTiny(page, app, 'handed');
  await row.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('form', { name: 'Settings of handed' });
  const actions = page.getByRole('group', { name: "Save handed's settings" });
  await expect(settings.getByLabel('Memory')).toHaveValue('256M');
  const conf = join(app.datastore, 'handed', 'handed.conf');

  // Untouched, the form reads the file again by itself: no click, no field change.
  await writeFile(conf, (await readFile(conf, 'utf8')).replace('memory="256M"', 'memory="384M"'));
  await expect(settings.getByLabel('Memory')).toHaveValue('384M');
  await expect(settings.getByRole('status').filter({ hasText: 'Reloaded: the file changed on disk' })).toBeVisible();

  // With edits, a hand edit is told as it happens (the preview of the edits has settled first).
  await settings.getByLabel('Memory').fill('768M');
  await settings.getByLabel('Description').fill('web front end');
  await expect(page.getByRole('region', { name: 'Command preview' }).getByLabel('Changes Save writes')).toContainText('+hivedesk_description="web front end"');
  const edited = `${(await readFile(conf, 'utf8')).replace('cpu="1"', 'cpu="2"')}# by hand, while the form was open\ncpu_note="do not lose me"\n`;
  expect(edited).toMatch(/^cpu="2"$/m);
  await writeFile(conf, edited);
  await expect(settings.getByRole('alert')).toContainText('handed.conf was changed on disk since this form was opened');
  await expect(actions.getByRole('button', { name: 'Save' })).toBeDisabled();
  expect(await readFile(conf, 'utf8')).toBe(edited);
  await page.screenshot({ path: shots('settings-conflict') });

  // Reload: the file's CPUs (pointed out), the user's Memory and Description.
  await settings.getByRole('button', { name: 'Reload' }).click();
  await expect(settings.getByLabel('CPUs')).toHaveValue('2');
  await expect(settings.getByLabel('Memory')).toHaveValue('768M');
  await expect(settings.getByLabel('Description')).toHaveValue('web front end');
  await expect(settings.getByRole('status', { name: 'Reloaded from the file' })).toContainText('CPUs');
  await expect(settings.getByRole('status', { name: 'Reloaded from the file' })).not.toContainText('Memory');
  await expect(settings.locator('section', { has: page.getByRole('heading', { name: 'Advanced' }) })).toContainText('cpu_note');
  await page.screenshot({ path: shots('settings-reloaded-kept'), fullPage: true });
  await actions.getByRole('button', { name: 'Save' }).click();
  await expect(actions.getByRole('status', { name: 'Saved' })).toBeVisible();
  expect(await readFile(conf, 'utf8')).toBe(`${edited.replace('memory="384M"', 'memory="768M"')}hivedesk_description="web front end"\n`);

  const history = page.getByRole('list', { name: 'Saved versions' });
  await history.getByRole('button', { name: 'Changes since' }).click();
  await expect(page.getByLabel(/^Changes since /)).toContainText('-memory="384M"');
  await expect(page.getByLabel(/^Changes since /)).toContainText('+memory="768M"');
  await page.screenshot({ path: shots('settings-history-diff'), fullPage: true });
  await history.getByRole('button', { name: 'Revert' }).click();
  await page.getByRole('dialog', { name: "Revert handed's settings?" }).getByRole('button', { name: 'Revert' }).click();
  await expect(settings.getByLabel('Memory')).toHaveValue('384M');
  expect(await readFile(conf, 'utf8')).toBe(edited);
  await expect(history.getByRole('listitem')).toHaveCount(2);
});

test('Settings: each field says what is wrong with a bad value, next to it; main\'s refusals land there too', async ({ page, app }) => {
  const row = await createTiny(page, app, 'checks');
  await row.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('form', { name: 'Settings of checks' });
  const actions = page.getByRole('group', { name: "Save checks's settings" });
  await expect(settings.getByLabel('Memory')).toHaveValue('256M');
  for (const section of ['Boot & firmware', 'Network', 'Display', 'Advanced']) {
    await page.getByRole('navigation', { name: "Sections of checks's settings" }).getByRole('button', { name: section }).click();
    await expect(settings.getByRole('heading', { name: section })).toBeInViewport();
    await page.screenshot({ path: shots(`settings-${section.split(' ')[0]?.toLowerCase()}`) });
  }
  // Grow: never smaller, the exact command first, then the disk is bigger.
  const disk0 = settings.getByRole('group', { name: /^disk0/ });
  const disk0Path = join(app.datastore, 'checks', 'disk0.img');
  await disk0.getByRole('button', { name: 'Grow…' }).click();
  await disk0.getByLabel('New size').fill('512M');
  await disk0.getByRole('button', { name: 'Show command' }).click();
  await expect(disk0.getByRole('alert')).toHaveText("disk0 is 1 GiB now: a disk can only grow (shrinking would cut off the guest's data).");
  await disk0.getByLabel('New size').fill('2G');
  await disk0.getByRole('button', { name: 'Show command' }).click();
  await expect(disk0.locator('.grow code')).toHaveText(`truncate -s 2G ${disk0Path}`);
  await disk0.getByRole('button', { name: 'Grow', exact: true }).click();
  await expect(disk0.getByRole('status')).toHaveText('disk0 grew to 2G.');
  await expect(disk0).toContainText('2 GiB');
  expect((await stat(disk0Path)).size).toBe(2 * 1024 ** 3);

  await settings.getByRole('button', { name: 'Add new disk' }).click();
  const disk1 = settings.getByRole('group', { name: /^disk1/ });
  const nic = settings.getByRole('group', { name: 'network0' });
  const cases: Array<[Locator, string, string]> = [
    [settings.getByLabel('CPUs'), '0', 'CPUs must be between 1 and 64.'],
    [settings.getByLabel('Memory'), '16M', 'Memory must be between 32M and 1T.'],
    [settings.getByLabel('Description'), 'say "hi"', 'The description cannot contain'],
    [settings.getByLabel('Tags'), 'web,db', 'Tags are words of letters, digits'],
    [settings.getByLabel('Install media'), 'debian.iso', 'Use an absolute path (starting with "/").'],
    [disk1.getByLabel('Size'), '10X', 'Disk size must be a number with an optional unit'],
    [disk1.getByLabel('Options'), 'nocache;reboot', 'Options are words like nocache,direct'],
    [nic.getByLabel('Switch'), 'my switch', 'A switch name is letters, digits'],
    [nic.getByLabel('MAC address'), '58:9c:fc:0c:55', 'A MAC address looks like 58:9c:fc:0c:55:42.'],
    [settings.getByLabel('Listen address'), 'example.org', 'Use an IPv4 address such as 127.0.0.1'],
    [settings.getByLabel('Port', { exact: true }), '80', 'Use a port between 1024 and 65535, or auto.'],
    [settings.getByLabel('Resolution'), '4000x3000', 'bhyve shows 640x480 up to 1920x1200.'],
    [settings.getByLabel('Extra bhyve options'), '-m 64G', 'CPUs, memory, devices (-s), consoles (-l) and the UUID have fields of their own'],
  ];
  for (const [field, bad, message] of cases) {
    const good = await field.inputValue();
    await field.fill(bad);
    await field.blur();
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(field).toHaveAccessibleDescription(new RegExp(escape(message)));
    await field.fill(good);
    await field.blur();
    await expect(field).toHaveAttribute('aria-invalid', 'false');
  }

  // Regenerate MAC draws a new one (saved with the form); the MAC is kept otherwise.
  const mac = nic.getByLabel('MAC address');
  // The whole address shows: the input is not narrower than its value.
  expect(await mac.evaluate((el: Scrolled) => el.scrollWidth <= el.clientWidth)).toBe(true);
  const oldMac = await mac.inputValue();
  await nic.getByRole('button', { name: 'Regenerate MAC' }).click();
  await expect(mac).not.toHaveValue(oldMac);
  await expect(mac).toHaveValue(/^58:9c:fc:0[0-9a-f](:[0-9a-f]{2}){2}$/);

  // Rules across fields: the topology must make the CPUs.
  await settings.getByLabel('Sockets').fill('2');
  await settings.getByLabel('Cores').fill('1');
  await settings.getByLabel('Threads').fill('1');
  await actions.getByRole('button', { name: 'Save' }).click();
  await expect(settings.getByLabel('Sockets')).toHaveAccessibleDescription(/2 sockets × 1 cores × 1 threads make 2 CPUs, not 1\./);
  await page.screenshot({ path: shots('settings-field-errors') });
  await settings.getByLabel('Sockets').fill('1');

  // What only main can know comes back next to the field too: disk1.img's name taken by a file.
  const conf = join(app.datastore, 'checks', 'checks.conf');
  const before = await readFile(conf, 'utf8');
  await writeFile(join(app.datastore, 'checks', 'disk1.img'), 'a file a person put there');
  await disk1.getByLabel('Size').fill('20M');
  await actions.getByRole('button', { name: 'Save' }).click();
  await expect(disk1.getByLabel('Name')).toHaveAccessibleDescription(/disk1\.img exists already: attach it \(no size\), or choose another name\./);
  expect(await readFile(conf, 'utf8')).toBe(before);
  expect(await readFile(join(app.datastore, 'checks', 'disk1.img'), 'utf8')).toBe('a file a person put there');
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test("Settings: a NIC's switch is picked from vm-bhyve's switch_list, and a name that is none of them is called out", async ({ page, app }) => {
  await mkdir(join(app.datastore, '.config'), { recursive: true });
  await writeFile(join(app.datastore, '.config', 'system.conf'), 'switch_list="public lan"\ntype_lan="manual"\nbridge_lan="bridge0"\n');
  const row = await createTiny(page, app, 'switched');
  await row.getByRole('button', { name: 'Settings' }).click();
  const nic = page.getByRole('form', { name: 'Settings of switched' }).getByRole('group', { name: 'network0' });
  const field = nic.getByLabel('Switch');
  await expect(field).toHaveValue('public');
  const choices = nic.locator(`datalist#${await field.getAttribute('list')} option`);
  await expect(choices).toHaveCount(2);
  expect(await choices.evaluateAll((options) => options.map((o) => [(o as HTMLOptionElement).value, o.textContent]))).toEqual([
    ['public', 'standard switch'],
    ['lan', 'manual switch'],
  ]);
  await expect(nic.locator('#set-switched-nic0-switch-hint')).toHaveText('Empty: not on a switch.');

  await field.fill('pubic');
  await expect(nic.locator('#set-switched-nic0-switch-hint')).toHaveText(
    '“pubic” is not a switch of .config/system.conf (this datastore’s switches are public, lan). Under QEMU any name is user-mode NAT; under bhyve a name not in switch_list gets a bridge of Hivedesk’s own, with no host NIC.',
  );
  await nic.screenshot({ path: shots('settings-switch-unknown') });
  await field.fill('lan');
  await expect(nic.locator('#set-switched-nic0-switch-hint')).toHaveText('Empty: not on a switch.');
});
