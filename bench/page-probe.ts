/** What the UI benchmarks measure inside the page, so Playwright's own overhead is not counted. */
import type { Page } from '@playwright/test';
import { withTimeout } from '../electron/testing/lifecycle.js';

/**
 * Runs in the page before the app. A guest row is `[role=row]` with the guest's name as its
 * label; "painted" is the first task after the next animation frame, i.e. after that frame's
 * paint. The click is timed from the event's own timestamp (when the input arrived), so time the
 * page spent busy before it could handle the click counts too.
 */
export const PAGE_PROBE = `(() => {
  const afterPaint = (done) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done(performance.now());
    channel.port2.postMessage(0);
  });
  const bench = (window.__bench = {});
  bench.firstRow = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (!document.querySelector('[role="row"][aria-label], tr[aria-label]')) return;
      observer.disconnect();
      afterPaint(resolve);
    });
    observer.observe(document, { childList: true, subtree: true });
  });
  // Resolves once the element has the text, checked every animation frame (waitForFunction would need eval, which the CSP forbids).
  bench.drawn = (selector, text) => new Promise((resolve) => {
    const check = () => (document.querySelector(selector)?.textContent.includes(text) ? resolve(performance.now()) : requestAnimationFrame(check));
    check();
  });
  const wizardOpen = () => [...document.querySelectorAll('dialog[open] h2')].some((h) => h.textContent === 'New VM');
  bench.armClick = () => {
    bench.click = new Promise((resolve) => {
      addEventListener('click', (event) => {
        const check = () => (wizardOpen() ? afterPaint((t) => resolve(t - event.timeStamp)) : requestAnimationFrame(check));
        requestAnimationFrame(check);
      }, { capture: true, once: true });
    });
  };
})();`;

/** One click on New VM (a real mouse click), timed in the page; the wizard is closed again with Escape. */
export async function clickNewVm(page: Page, limitMs: number): Promise<number> {
  const box = await page.getByRole('button', { name: 'New VM' }).boundingBox();
  if (!box) throw new Error('the New VM button is not on screen');
  await page.evaluate('window.__bench.armClick()');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const took = Number(await withTimeout(page.evaluate('window.__bench.click'), limitMs, 'the New VM dialog to open'));
  await page.keyboard.press('Escape');
  await page.locator('dialog[open]').waitFor({ state: 'detached', timeout: limitMs });
  return took;
}

