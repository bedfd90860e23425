// End-to-end tests of the lab in a lecture hall: the presentation layout
// on a projector (every caption of three lessons with the caption, the whole
// cluster, the logs and the alert on one screen, in type that reads from the
// back row), lessons that move between captions, the demo aids (a split vote
// in one click, the latest client answer beside the cluster) and a phone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openApp, saveScreenshot, describeLab } from './harness.mjs';

const T = { timeout: 300_000 };
const button = (page, name) => page.getByRole('button', { name, exact: true });
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** The screens a lecturer projects on: 150 % zoom of 1920×1080 is a
 *  1280×720 page drawn 1.5 times larger. */
const SCREENS = [
  { name: '1920x1080', viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 },
  { name: '1280x720', viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 },
  { name: '1920x1080-at-150pct', viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1.5 },
];

/** The lessons whose climax needs everything at once (every lesson is
 *  checked; these must be among them). */
const CLIMAXES = ['Stale reads', "Figure 8: committing an old term's entry", 'A vote that is not saved'];

const captionNumber = async (page) =>
  Number((await page.locator('.lesson-player .caption-count').textContent()).match(/Caption (\d+)/)[1]);

/** What lies outside the screen (or is too small to read from the back),
 *  in words; empty when everything fits. Sizes are in device pixels,
 *  scaled to a 1080-line screen. */
function misfits(page) {
  return page.evaluate(() => {
    const problems = [];
    const H = innerHeight;
    const W = innerWidth;
    const inView = (el, what) => {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) return;
      if (r.top < -1 || r.left < -1 || r.bottom > H + 1 || r.right > W + 1) {
        problems.push(`${what} is off screen (${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} of ${W}×${H})`);
      }
    };
    if (scrollY !== 0) problems.push(`the page is scrolled by ${scrollY}px`);
    inView(document.querySelector('[data-testid="caption"]'), 'the caption');
    for (const b of document.querySelectorAll('.lesson-player button')) inView(b, `the ${b.textContent.trim()} button`);
    for (const n of document.querySelectorAll('[data-testid="node"]')) inView(n, `node ${n.dataset.node}`);
    inView(document.querySelector('[data-testid="leader-status"]'), 'the status line');
    // No label runs off the drawing's edge.
    const drawing = document.querySelector('.cluster-svg').getBoundingClientRect();
    for (const t of document.querySelectorAll('.cluster-svg .node-labels text')) {
      const r = t.getBoundingClientRect();
      if (r.width > 0 && (r.left < drawing.left - 1 || r.right > drawing.right + 1 || r.top < drawing.top - 1 || r.bottom > drawing.bottom + 1)) {
        problems.push(`the label “${t.textContent}” runs off the drawing`);
      }
    }
    const alert = document.querySelector('[data-testid="violation"]');
    if (alert) inView(alert, 'the alert');
    for (const row of document.querySelectorAll('.logs .log-row')) inView(row.querySelector('.log-head'), `the log of ${row.querySelector('strong')?.textContent}`);
    // Type, in pixels of a 1080-line screen.
    const px = (el) => parseFloat(getComputedStyle(el).fontSize) * (1080 / H);
    const svg = document.querySelector('.cluster-svg');
    const scale = svg.getBoundingClientRect().height / svg.viewBox.baseVal.height;
    const caption = px(document.querySelector('[data-testid="caption"]'));
    if (caption < 28) problems.push(`the caption is ${caption.toFixed(1)} px`);
    const term = parseFloat(getComputedStyle(document.querySelector('.cluster-svg .node-term')).fontSize) * scale * (1080 / H);
    if (term < 28) problems.push(`node labels are ${term.toFixed(1)} px`);
    const badge = document.querySelector('.cluster-svg .message-label');
    if (badge) {
      const b = parseFloat(getComputedStyle(badge).fontSize) * scale * (1080 / H);
      if (b < 18) problems.push(`message badges are ${b.toFixed(1)} px`);
    }
    return problems;
  });
}

describeLab('classroom', (lab) => {

  for (const screen of SCREENS) {
    test(`present at ${screen.name}: caption, cluster, logs and alert on one screen at every caption of every lesson`, T, async () => {
      const app = await openApp(lab, '/?present&speed=10', { contextOptions: { viewport: screen.viewport, deviceScaleFactor: screen.deviceScaleFactor } });
      const { page } = app;
      assert.equal(await button(page, 'Present').getAttribute('aria-pressed'), 'true', '?present turns the layout on');
      const lessons = await page.getByRole('navigation', { name: 'Lessons' }).getByRole('button').allTextContents();
      assert.ok(lessons.length >= 13, lessons.join(', '));
      assert.ok(CLIMAXES.every((t) => lessons.includes(t)), 'the climaxes are among them');
      for (const title of lessons) {
        // The lesson list is a menu: open it, pick the lesson; it folds.
        const menu = page.locator('.lesson-menu');
        if (!(await menu.evaluate((d) => d.open))) await menu.locator('summary').click();
        await page.getByRole('navigation', { name: 'Lessons' }).getByRole('button', { name: title, exact: true }).click();
        assert.equal(await menu.evaluate((d) => d.open), false, `${title}: the lesson list folds during the lesson`);
        await page.evaluate(() => scrollTo(0, 0));
        const count = Number((await page.locator('.lesson-player .caption-count').textContent()).match(/of (\d+)/)[1]);
        for (let i = 1; i <= count; i++) {
          assert.equal(await captionNumber(page), i);
          const wrong = await misfits(page);
          const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-$/, '');
          if (wrong.length) await saveScreenshot(page, `present-${screen.name}-${slug}-misfit-${i}.png`);
          assert.deepEqual(wrong, [], `${title}, caption ${i} at ${screen.name}`);
          if (i === count) {
            await saveScreenshot(page, `present-${screen.name}-${slug}.png`);
          }
          if (i < count) {
            // The presenter's clicker: Page Down plays to the next caption.
            await page.keyboard.press('PageDown');
            await page.waitForFunction((n) => /Caption (\d+)/.exec(document.querySelector('.lesson-player .caption-count').textContent)[1] === String(n), i + 1, { timeout: 30_000 });
            await page.getByTestId('heading-to').filter({ hasText: /^$/ }).waitFor({ state: 'attached' });
          }
        }
        // Page Up goes back one caption.
        await page.keyboard.press('PageUp');
        assert.equal(await captionNumber(page), count - 1, 'Page Up: back to the previous caption');
        await button(page, 'Leave the lesson').click();
      }
      // The switch turns the layout off again, and the choice is kept.
      await button(page, 'Present').click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.layout ?? null), null);
      await page.goto(lab.server.origin + '/?speed=10');
      assert.equal(await button(page, 'Present').getAttribute('aria-pressed'), 'false', 'off is remembered');
      app.assertClean();
      await app.context.close();
    });
  }

  test('the normal layout keeps the caption, the cluster and its status line above the fold at 1920×1080', T, async () => {
    const app = await openApp(lab, '/?speed=10', { contextOptions: { viewport: { width: 1920, height: 1080 } } });
    const { page } = app;
    for (const title of CLIMAXES) {
      await page.getByRole('navigation', { name: 'Lessons' }).getByRole('button', { name: title, exact: true }).click();
      await page.evaluate(() => scrollTo(0, 0));
      const below = await page.evaluate(() => {
        const out = [];
        const check = (el, what) => {
          const r = el.getBoundingClientRect();
          if (r.top < 0 || r.bottom > innerHeight) out.push(`${what} (${Math.round(r.top)}–${Math.round(r.bottom)})`);
        };
        check(document.querySelector('[data-testid="caption"]'), 'the caption');
        for (const n of document.querySelectorAll('[data-testid="node"]')) check(n, `node ${n.dataset.node}`);
        check(document.querySelector('[data-testid="leader-status"]'), 'the status line');
        return out;
      });
      assert.deepEqual(below, [], `${title}: above the fold`);
      await button(page, 'Leave the lesson').click();
    }
    await saveScreenshot(page, 'normal-1920x1080-free-play.png');
    app.assertClean();
    await app.context.close();
  });

  test('Continue plays to the next caption and pauses there; pressed again it skips; Play stops at a caption', T, async () => {
    const app = await openApp(lab, '/?speed=0.1', { contextOptions: { viewport: { width: 1920, height: 1080 } } });
    const { page } = app;
    await page.getByRole('navigation', { name: 'Lessons' }).getByRole('button', { name: 'The leader crashes', exact: true }).click();
    const steps = async () => Number((await page.getByTestId('steps').textContent()).replace(/\D/g, ''));
    const first = await steps();
    // To caption 2 (the crash) the run plays through 1 ms of 50 ms heartbeats.
    await button(page, 'Continue').click();
    // At 1/10 × the crash is 10 ms of wall time away; wait for caption 2.
    await page.getByText('Caption 2 of').waitFor();
    // From the crash to the first timeout: hundreds of simulated ms, seconds
    // of wall time. On the way the caption stays, the status says so.
    await button(page, 'Continue').click();
    await page.getByTestId('heading-to').filter({ hasText: 'Playing to caption 3 at 1/10×' }).waitFor();
    const before = await steps();
    await page.waitForFunction((s) => Number(document.querySelector('[data-testid="steps"]').textContent.replace(/\D/g, '')) > s, before);
    assert.match(await page.locator('.lesson-player .caption-count').textContent(), /^Caption 2 of/, 'the caption waits for its moment');
    // Pressed again: skip there.
    await button(page, 'Continue').click();
    assert.match(await page.locator('.lesson-player .caption-count').textContent(), /^Caption 3 of/);
    assert.equal(await page.getByTestId('heading-to').textContent(), '');
    assert.equal(await button(page, 'Play').count(), 1, 'paused at the caption');
    const at3 = await steps();
    // Play inside the lesson stops at the next caption moment.
    await button(page, 'Play').click();
    await page.getByText('Caption 4 of').waitFor({ timeout: 60_000 });
    await button(page, 'Play').waitFor();
    const at4 = await steps();
    assert.ok(at4 > at3 && at3 > first);
    // Back: the previous moment, exactly.
    await button(page, 'Back').click();
    assert.equal(await steps(), at3);
    // An arrow key on a focused log scrolls the log, not the lesson; with
    // nothing focused, → is the clicker's Continue.
    await page.locator('.log-scroll').first().focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await steps(), at3, 'the log kept its arrow key');
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('heading-to').filter({ hasText: 'Playing to caption 4' }).waitFor();
    app.assertClean();
    await app.context.close();
  });

  test('Split vote times out every follower at once and nobody wins the next term', T, async () => {
    const app = await openApp(lab, '/?speed=1', { contextOptions: { viewport: { width: 1920, height: 1080 } } });
    const { page } = app;
    await page.locator('[data-testid="node"][data-role="leader"]').waitFor();
    const term = Number((await page.getByTestId('leader-status').textContent()).match(/term (\d+)/)[1]);
    await button(page, 'Split vote').click();
    const said = await page.getByTestId('network-status-line').textContent();
    assert.match(said, new RegExp(`^✓ N\\d(, N\\d)* and N\\d timed out at once: each votes for itself in term ${term + 1}`));
    assert.ok(await page.locator('[data-testid="node"][data-role="candidate"]').count() >= 4, 'four candidates at once');
    // Play on until someone leads a newer term than the old leader's.
    const newer = await page.waitForFunction((t) => {
      const m = /^Leader: N\d \(term (\d+)\)/.exec(document.querySelector('[data-testid="leader-status"]').textContent);
      return m && Number(m[1]) > t && Number(m[1]);
    }, term, { timeout: 30_000 });
    const won = await newer.jsonValue();
    assert.ok(won >= term + 2, `nobody won term ${term + 1}; the next leader leads term ${won}`);
    app.assertClean();
    await app.context.close();
  });

  test('a stale read shows its verdict next to the cluster', T, async () => {
    const app = await openApp(lab, '/?speed=5', { contextOptions: { viewport: { width: 1920, height: 1080 } } });
    const { page } = app;
    await page.getByRole('navigation', { name: 'Lessons' }).getByRole('button', { name: 'Stale reads', exact: true }).click();
    for (let i = 1; i < 4; i++) await button(page, 'Continue').click({ clickCount: 1 }).then(() => page.getByText(`Caption ${i + 1} of`).waitFor());
    const line = page.getByTestId('latest-result');
    assert.match(await line.textContent(), /^Latest client result, STALE: #\d+ read x \(Leader without check\) via N4 — returned x = 1/);
    const box = await line.boundingBox();
    assert.ok(box.y + box.height <= 1080, 'in view beside the cluster');
    app.assertClean();
    await app.context.close();
  });

  test('on a phone, a tapped node opens its actions in a sheet and a lesson opens its player in view', T, async () => {
    const app = await openApp(lab, '/?speed=1', { contextOptions: PHONE });
    const { page } = app;
    const bar = await page.getByRole('region', { name: 'Playback' }).boundingBox();
    assert.ok(bar.height < 220, `the playback bar is compact: ${bar.height}px`);
    await page.getByRole('button', { name: /^N2:/ }).locator('.node-body').tap();
    const crash = button(page, 'Crash N2');
    const box = await crash.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= 844, `Crash N2 is on screen: ${JSON.stringify(box)}`);
    await saveScreenshot(page, 'phone-node-sheet.png');
    await crash.tap();
    await button(page, 'Done').tap();
    assert.equal(await crash.count(), 0, 'Done closes the sheet');
    const lesson = page.getByRole('navigation', { name: 'Lessons' }).getByRole('button', { name: 'The first election', exact: true });
    await lesson.scrollIntoViewIfNeeded();
    await lesson.tap();
    const caption = page.getByTestId('caption');
    await page.waitForFunction(() => {
      const r = document.querySelector('[data-testid="caption"]').getBoundingClientRect();
      return r.top >= 0 && r.bottom <= innerHeight;
    });
    assert.ok((await caption.textContent()).length > 10);
    await saveScreenshot(page, 'phone-lesson.png');
    app.assertClean();
    await app.context.close();
  });
});
