import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, shots, test } from './fixtures.js';

/** The two widths of an element that scrolls sideways; e2e code has no DOM types. */
interface Scrolled { scrollWidth: number; clientWidth: number }

const GUESTS = 60;
const guestName = (i: number) => `g${String(i).padStart(3, '0')}`;

/** Stopped guests written as vm-bhyve would, before the page is opened. */
async function manyGuests(datastore: string): Promise<void> {
  for (let i = 1; i <= GUESTS; i++) {
    const name = guestName(i);
    await mkdir(join(datastore, name));
    await writeFile(join(datastore, name, `${name}.conf`), 'cpu=1\nmemory=256M\nhivedesk_backend="qemu"\n');
  }
}

/** The guests whose rows a person sees in the list now, and whether each of them is really drawn there. */
async function rowsInView(page: Page): Promise<string[]> {
  const list = page.getByRole('region', { name: 'Virtual machines' });
  const box = await list.locator('table').locator('..').boundingBox();
  if (!box) throw new Error('the list is not on screen');
  const seen: string[] = [];
  // What is under the pointer at a few heights of the list: a row's name, or nothing (a blank gap).
  for (let y = box.y + 60; y < box.y + box.height - 10; y += 40) {
    const label = String(await page.evaluate(`document.elementFromPoint(${box.x + 40}, ${y})?.closest('tr[aria-label]')?.getAttribute('aria-label') ?? '(nothing)'`));
    if (seen.at(-1) !== label) seen.push(label);
  }
  return seen;
}

test('a long list keeps its place and its rows when a person comes back to it from another tab', async ({ page, app }) => {
  await manyGuests(app.datastore);
  await page.goto(app.url);
  await expect(page.getByRole('row', { name: guestName(1) })).toBeVisible();
  const list = page.getByRole('region', { name: 'Virtual machines' });
  await list.hover();
  await page.mouse.wheel(0, 1400);
  await expect.poll(async () => (await rowsInView(page)).includes(guestName(1))).toBe(false);
  const before = await rowsInView(page);
  expect(before).not.toContain('(nothing)');

  const shown = before[1] ?? '';
  await page.getByRole('row', { name: shown }).getByRole('button', { name: shown, exact: true }).click();
  await expect(page.getByRole('tabpanel', { name: `VM ${shown}` })).toBeVisible();
  // The same rows, drawn, where they were: no jump to the end, no blank stretch to scroll away.
  // (The list's bottom edge may move: the command log below it grows as the VM page reads the host.)
  const sameRows = async () => {
    const after = await rowsInView(page);
    expect(after).not.toContain('(nothing)');
    expect(after.slice(0, 5)).toEqual(before.slice(0, 5));
  };
  await page.getByRole('tab', { name: 'Machines' }).click();
  await sameRows();
  await page.getByRole('tab', { name: shown }).click();
  await page.getByRole('tab', { name: 'Machines' }).click();
  await sameRows();
});

test('many tabs scroll in their own strip: the window never grows wider, and the tab shown is in view', async ({ page, app }) => {
  await manyGuests(app.datastore);
  await page.goto(app.url);
  for (let i = 1; i <= 16; i++) {
    const name = guestName(i);
    await page.getByRole('tab', { name: 'Machines' }).click();
    await page.getByRole('row', { name }).getByRole('button', { name, exact: true }).click();
    await expect(page.getByRole('tabpanel', { name: `VM ${name}` })).toBeVisible();
  }
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await expect(page.getByRole('button', { name: 'New VM' })).toBeInViewport();
  const strip = page.getByRole('tablist').first();
  expect(await strip.evaluate((el: Scrolled) => el.scrollWidth > el.clientWidth)).toBe(true);
  await expect(page.getByRole('tab', { name: guestName(16) })).toBeInViewport();
  await page.getByRole('tab', { name: 'Machines' }).click();
  await expect(page.getByRole('tab', { name: 'Machines' })).toBeInViewport();
  await page.screenshot({ path: shots('many-tabs') });
});

test('the host bar keeps each label beside its value, at 1600, 1280 and 1024 px', async ({ page, app }) => {
  await page.goto(app.url);
  const facts = page.getByRole('banner').locator('dl[aria-label="Host"]');
  await expect(facts.getByRole('definition').last()).toHaveAttribute('title', app.datastore);
  for (const width of [1600, 1280, 1024]) {
    await page.setViewportSize({ width, height: 800 });
    const terms = facts.getByRole('term');
    await expect(terms).toHaveText(['Backend', 'Acceleration', 'Datastore']);
    for (let i = 0; i < 3; i++) {
      const term = await terms.nth(i).boundingBox();
      const value = await facts.getByRole('definition').nth(i).boundingBox();
      if (!term || !value) throw new Error(`fact ${i} is not on screen at ${width} px`);
      expect(Math.abs(term.y - value.y), `label ${i} on the line of its value at ${width} px`).toBeLessThan(2);
      expect(value.x, `value ${i} right of its label at ${width} px`).toBeGreaterThan(term.x + term.width);
      expect(value.width, `value ${i} has room to be read at ${width} px`).toBeGreaterThan(30);
    }
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await expect(page.getByRole('button', { name: 'New VM' })).toBeInViewport();
    await page.screenshot({ path: shots(`hostbar-${width}`), clip: { x: 0, y: 0, width, height: 120 } });
  }
});
