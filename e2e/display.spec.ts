import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { expect, shots, test } from './fixtures.js';
import { wizardToSummary } from './wizard.js';

/** The guest's screen in a tab: the test guest's VGA text (a banner on red, a shell) through QEMU's VNC and noVNC. */

/** A canvas as the page has it (e2e is type-checked without the DOM library). */
type PixelCanvas = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };

/**
 * How many pixel rows of the screen are mostly the banner's VGA red (QEMU draws it as 168,0,0), and where the first
 * is: read from the canvas noVNC draws into, so it is what the tab really shows.
 */
function redBand(canvas: Locator): Promise<{ rows: number; first: number; width: number; height: number }> {
  return canvas.evaluate((on) => {
    const element = on as unknown as PixelCanvas;
    const { width, height } = element;
    const data = element.getContext('2d')?.getImageData(0, 0, width, height).data;
    let rows = 0;
    let first = -1;
    for (let y = 0; data && y < height; y++) {
      let red = 0;
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        if ((data[i] ?? 0) > 140 && (data[i + 1] ?? 255) < 40 && (data[i + 2] ?? 255) < 40) red++;
      }
      if (red > width / 2) {
        rows++;
        if (first < 0) first = y;
      }
    }
    return { rows, first, width, height };
  });
}

/** The guest's serial console tab, opened from the display's own button. */
async function serialText(page: Page, panel: Locator, name: string): Promise<Locator> {
  await panel.getByRole('button', { name: 'Serial console' }).click();
  return page.getByRole('tabpanel', { name: `Console ${name} com1` }).locator('.xterm-rows');
}

test('Display shows the guest\'s screen, keys typed there reach it, and its tools type, save and reset', async ({ page, app }) => {
  await page.goto(app.url);
  const wizard = await wizardToSummary(page, { name: 'screen1', os: 'linux', cpus: '1', memory: '256M', diskSize: '1G', installMedia: app.iso });
  // The wizard's exact boot command serves the Linux guest's screen on its socket, with a tablet.
  await expect(wizard.getByRole('definition').filter({ hasText: '1024×768' })).toHaveText('1024×768, with a USB tablet; Display shows it');
  const plan = wizard.getByRole('list', { name: 'Commands that will run' });
  await expect(plan).toContainText('-vnc unix:');
  await expect(plan).toContainText('-device qemu-xhci -device usb-tablet -display none');
  await page.screenshot({ path: shots('display-wizard-summary') });
  await wizard.getByRole('button', { name: 'Create' }).click();

  const row = page.getByRole('row', { name: 'screen1' });
  await expect(row.getByRole('button', { name: 'Display' })).toBeDisabled();
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row).toContainText('running', { timeout: 30_000 });
  await page.screenshot({ path: shots('display-button') });
  await row.getByRole('button', { name: 'Display' }).click();

  const panel = page.getByRole('tabpanel', { name: 'Display screen1' });
  await expect(panel.getByText('screen1 · screen: connected')).toBeVisible({ timeout: 15_000 });
  const canvas = panel.locator('canvas');
  // The banner is on the screen: three text rows (48 pixel rows of VGA's 720x400) of red, at the top.
  await expect.poll(async () => (await redBand(canvas)).rows, { timeout: 90_000 }).toBeGreaterThanOrEqual(40);
  const band = await redBand(canvas);
  expect(band).toMatchObject({ first: 0, width: 720, height: 400 });
  // Scaled to the tab: as large as it fits, its proportions kept, inside the panel.
  const [shown, box] = [await canvas.boundingBox(), await panel.locator('.display-screen').boundingBox()];
  expect(shown && box).toBeTruthy();
  if (shown && box) {
    expect(shown.width / shown.height).toBeCloseTo(720 / 400, 1);
    expect(shown.width > box.width - 2 || shown.height > box.height - 2).toBe(true);
    expect(shown.x >= box.x - 1 && shown.y >= box.y - 1 && shown.x + shown.width <= box.x + box.width + 1 && shown.y + shown.height <= box.y + box.height + 1).toBe(true);
  }
  await page.screenshot({ path: shots('display') });

  // Keys typed on the screen reach the guest's shell on tty1; /dev/console is its serial port.
  await canvas.click();
  await page.keyboard.type('echo typed-in-display ');
  await page.keyboard.press('Shift+Period');
  await page.keyboard.type('/dev/console\n');
  const serial = await serialText(page, panel, 'screen1');
  await expect(serial).toContainText('typed-in-display', { timeout: 30_000 });
  await page.screenshot({ path: shots('display-serial-console') });
  // One click back, from the console's own tools.
  await page.getByRole('tabpanel', { name: 'Console screen1 com1' }).getByRole('button', { name: 'Display' }).click();
  await expect(panel).toBeVisible();

  // Paste as keystrokes: Shift for capitals and '>', Return for the line's end.
  await panel.getByRole('button', { name: 'Paste as keystrokes…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Type into screen1’s screen' });
  await dialog.getByLabel('Text to type').fill('echo Pasted-As-KEYS >/dev/console\n');
  await page.screenshot({ path: shots('display-paste-keys') });
  await dialog.getByRole('button', { name: 'Type' }).click();
  await expect(dialog).toBeHidden();
  await expect(panel.getByRole('progressbar', { name: 'Typing progress' })).toBeVisible();
  await page.screenshot({ path: shots('display-typing') });
  await expect(panel.getByRole('progressbar', { name: 'Typing progress' })).toBeHidden({ timeout: 15_000 });
  await serialText(page, panel, 'screen1');
  await expect(serial).toContainText('Pasted-As-KEYS', { timeout: 30_000 });
  await page.getByRole('tab', { name: 'screen1 · screen' }).click();

  const [file] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Screenshot' }).click()]);
  expect(file.suggestedFilename()).toMatch(/^screen1-screen-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.png$/);
  const png = await readFile(await file.path());
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  // The saved image is the screen: 720x400 (IHDR's width and height).
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([720, 400]);

  // Ctrl-Alt-Del restarts the guest, as it does a PC: a file it made in its RAM is gone after. GRUB clears the
  // serial screen as it boots again, so the command typed before goes from it.
  await serialText(page, panel, 'screen1');
  const consolePanel = page.getByRole('tabpanel', { name: 'Console screen1 com1' });
  await consolePanel.locator('.xterm-screen').click();
  await page.keyboard.type('touch /tmp/before-reset\n');
  await expect(serial).toContainText('touch /tmp/before-reset');
  await page.getByRole('tab', { name: 'screen1 · screen' }).click();
  await panel.getByRole('button', { name: 'Send Ctrl-Alt-Del' }).click();
  await expect(canvas).toBeFocused();
  await serialText(page, panel, 'screen1');
  await expect(serial).not.toContainText('before-reset', { timeout: 60_000 });
  await expect(serial).toContainText('guest#', { timeout: 90_000 });
  await consolePanel.locator('.xterm-screen').click();
  await page.keyboard.type('ls /tmp/before-reset\n');
  await expect(serial).toContainText('/tmp/before-reset: No such file or directory');
  await page.getByRole('tab', { name: 'screen1 · screen' }).click();
  await expect.poll(async () => (await redBand(canvas)).rows, { timeout: 90_000 }).toBeGreaterThanOrEqual(40);

  // Power off: the tab says the screen closed, and offers to connect again.
  await page.getByRole('tab', { name: 'Machines' }).click();
  await row.getByRole('button', { name: 'Power off' }).click();
  await page.getByRole('dialog', { name: 'Power off screen1?' }).getByRole('button', { name: 'Power off' }).click();
  await expect(row).toContainText('stopped', { timeout: 15_000 });
  await page.getByRole('tab', { name: 'screen1 · screen' }).click();
  await expect(panel.getByText(/screen1 · screen: disconnected: /)).toBeVisible();
  await panel.getByRole('button', { name: 'Reconnect' }).click();
  await expect(panel.getByText('screen1 · screen: disconnected: screen1 is not running: start it to see its screen.')).toBeVisible();
  await page.screenshot({ path: shots('display-stopped') });
});
