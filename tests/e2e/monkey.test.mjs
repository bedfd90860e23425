// A seeded "monkey": for a minute it clicks, drags, scrolls, types and
// presses keys at random all over the app, as a curious student might.
// It fails on any console error or uncaught exception (a panic shows as
// one), on a frame that takes more than a second, and on a broken safety
// rule when nothing unsafe was switched on (a teaching fault, the
// empty-disk hazard, or a lesson that turns one on).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openApp, describeLab } from './harness.mjs';

const SEED = Number(process.env.MONKEY_SEED || 20261124);
const SECONDS = Number(process.env.MONKEY_SECONDS || 60);

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [' ', '.', ',', 'ArrowLeft', 'ArrowRight', 'Tab', 'Shift+Tab', 'Enter', 'Escape', 'Home', 'End', 'PageUp', 'PageDown', '+', '-'];
const TEXTS = ['', 'x', 'y', '-5', '0', '99999999999999999999', '1e9', 'NaN', '<b>hi</b>', 'ключ', '  ', '3.5', '-20000', 'a'.repeat(40)];

describeLab('monkey', (lab) => {

  test(`a minute of random clicks, drags, typing and keys (seed ${SEED})`, { timeout: (SECONDS + 120) * 1000 }, async () => {
    const random = rng(SEED);
    const pick = (list) => list[Math.floor(random() * list.length)];
    const app = await openApp(lab, '/?speed=2', { contextOptions: { viewport: { width: 1600, height: 1000 } } });
    const { page } = app;
    page.on('dialog', (d) => d.dismiss());
    page.on('filechooser', () => {});
    const watchFrames = () =>
      page.evaluate(() => {
        window.__longest = 0;
        let last = performance.now();
        const tick = (t) => {
          window.__longest = Math.max(window.__longest, t - last);
          last = t;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
    await page.getByTestId('node').first().waitFor();
    await watchFrames();
    let unsafe = false;
    const log = [];
    const end = Date.now() + SECONDS * 1000;
    let moves = 0;
    while (Date.now() < end) {
      moves += 1;
      const r = random();
      try {
        if (r < 0.45) {
          const buttons = page.locator('button:visible:enabled');
          const n = await buttons.count();
          if (n === 0) continue;
          const b = buttons.nth(Math.floor(random() * n));
          const name = ((await b.getAttribute('aria-label')) || (await b.textContent()) || '').trim();
          if (/empty disk/.test(name) || (await b.evaluate((e) => !!e.closest('nav[aria-label="Lessons"]')))) unsafe = true;
          log.push(`click ${name.slice(0, 40)}`);
          await b.click({ timeout: 1500 });
        } else if (r < 0.55) {
          const boxes = page.locator('input[type=checkbox]:visible:enabled');
          const n = await boxes.count();
          if (n === 0) continue;
          const box = boxes.nth(Math.floor(random() * n));
          const label = (await box.evaluate((e) => e.closest('label')?.textContent || '')).trim();
          if (/^(fixed-timeouts|commit-any-term|no-election-restriction|naive-membership|volatile-vote|stale-local-read)/.test(label)) unsafe = true;
          log.push(`toggle ${label.slice(0, 30)}`);
          await box.click({ timeout: 1500 });
        } else if (r < 0.65) {
          const fields = page.locator('input[type=text]:visible, input[type=number]:visible, input[type=search]:visible');
          const n = await fields.count();
          if (n === 0) continue;
          const field = fields.nth(Math.floor(random() * n));
          // A number field takes only what a browser lets a person type there.
          const numeric = (await field.getAttribute('type')) === 'number';
          const text = pick(numeric ? TEXTS.filter((t) => t.trim() !== '' && !Number.isNaN(Number(t))) : TEXTS);
          log.push(`type ${JSON.stringify(text)}`);
          await field.fill(text, { timeout: 1500 });
          await page.keyboard.press('Enter');
        } else if (r < 0.72) {
          const selects = page.locator('select:visible:enabled');
          const n = await selects.count();
          if (n === 0) continue;
          const s = selects.nth(Math.floor(random() * n));
          const options = await s.locator('option').allTextContents();
          if (options.length === 0) continue;
          const choice = pick(options);
          log.push(`select ${choice}`);
          await s.selectOption({ label: choice }, { timeout: 1500 });
        } else if (r < 0.85) {
          const target = pick(['.lanes-box', '.overview-box', '.cluster-svg', '.log-scroll']);
          const box = await page.locator(target).first().boundingBox();
          if (!box) continue;
          const x = box.x + random() * box.width;
          const y = box.y + random() * box.height;
          log.push(`drag/wheel ${target}`);
          await page.mouse.move(x, y);
          if (random() < 0.5) {
            await page.mouse.wheel(random() * 400 - 200, random() * 600 - 300);
          } else {
            await page.mouse.down();
            await page.mouse.move(x + random() * 300 - 150, y + random() * 100 - 50, { steps: 4 });
            await page.mouse.up();
          }
        } else {
          const key = pick(KEYS);
          log.push(`key ${key}`);
          await page.keyboard.press(key);
        }
      } catch (err) {
        // The page moved under the monkey (an element went away): fine.
        if (!/Timeout|detached|not visible|not attached|intercepts pointer|outside of the viewport|disabled|not an? (HTMLSelectElement|input)/i.test(String(err))) throw err;
      }
      if (log.length > 60) log.splice(0, log.length - 60);
      const broken = await page.locator('[data-testid="violation"]').count();
      if (broken > 0) {
        const what = await page.locator('[data-testid="violation"]').textContent();
        assert.ok(unsafe, `a rule broke with nothing unsafe switched on: ${what}\nlast moves: ${log.join(' | ')}`);
        // Start over from a fresh page.
        await page.goto(lab.server.origin + '/?speed=2');
        await page.getByTestId('node').first().waitFor();
        await watchFrames();
        unsafe = false;
      }
      const longest = await page.evaluate(() => window.__longest || 0);
      assert.ok(longest < 1000, `a frame took ${Math.round(longest)} ms; last moves: ${log.join(' | ')}`);
      app.assertClean();
    }
    assert.ok(moves > 100, `the monkey made ${moves} moves`);
    console.log(`monkey: ${moves} moves in ${SECONDS} s (seed ${SEED})`);
    await app.context.close();
  });
});
