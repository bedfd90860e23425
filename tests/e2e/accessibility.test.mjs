// End-to-end tests of accessibility, as a keyboard user, a screen-reader
// user, a phone user and someone who asked for less motion or a dark screen
// would meet the app: an axe-core scan of every main view in both themes
// (zero serious or critical violations), the app driven by the keyboard alone
// with a visible focus ring, the live region announcing key events, reduced
// motion, the theme switch, and a phone with touch (tap a node, its actions,
// pinch the timeline).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAxeClean, openApp, openGroup, saveScreenshot, untilFrame, describeLab } from './harness.mjs';

const T = { timeout: 120_000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const button = (page, name) => page.getByRole('button', { name, exact: true });
const leaderShown = (page) =>
  untilFrame(page, 'a leader', () => document.querySelector('[data-testid="node"][data-role="leader"]'), null, 20_000);

/** Opens every collapsed group of controls. */
async function openAllGroups(page) {
  for (const name of ['Network', 'Membership', 'Protocol settings', 'Teaching faults']) await openGroup(page, name);
}

/** The theme the page is drawn in, and its background's relative luminance. */
const theme = (page) =>
  page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
    return { name: document.documentElement.dataset.theme, luminance: (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 };
  });

describeLab('accessibility', (lab) => {

  for (const scheme of ['light', 'dark']) {
    test(`axe-core finds no serious or critical violation in any main view (${scheme} theme)`, T, async () => {
      const app = await openApp(lab, '/', {
        contextOptions: { viewport: { width: 1920, height: 1080 }, colorScheme: scheme },
      });
      const { page } = app;
      assert.equal((await theme(page)).name, scheme, 'the page follows the system colour scheme');
      await leaderShown(page);
      await assertAxeClean(page, 'the live cluster, playing');

      await button(page, 'Pause').click();
      await page.getByRole('button', { name: /^N1: / }).click();
      for (let i = 0; i < 5; i++) await button(page, 'Step back').click();
      await assertAxeClean(page, 'paused in the past, N1 in the inspector, the timeline and event log');

      await button(page, 'Go to live').click();
      await openAllGroups(page);
      await page.getByRole('checkbox', { name: 'stale-local-read' }).check();
      await page.getByRole('combobox', { name: 'Read mode' }).selectOption({ label: 'Any node, local' });
      await button(page, 'Read').click();
      const leader = await page.locator('[data-testid="node"][data-role="leader"]').getAttribute('data-node');
      await page.getByRole('button', { name: new RegExp(`^${leader}: `) }).click();
      await button(page, `Crash ${leader}`).click();
      await assertAxeClean(page, 'every control group open, a teaching fault on, a crash and a read');

      const menu = page.getByRole('navigation', { name: 'Lessons' });
      await menu.getByRole('button', { name: 'Split votes', exact: false }).first().click();
      await page.getByRole('region', { name: 'Lesson', exact: true }).waitFor();
      await button(page, 'Continue').click();
      await assertAxeClean(page, 'a lesson, second caption');
      await saveScreenshot(page, `accessibility-lesson-${scheme}-1920x1080.png`);
      await button(page, 'Present').click();
      await assertAxeClean(page, 'the presentation layout during a lesson');
      await saveScreenshot(page, `accessibility-present-${scheme}-1920x1080.png`);
      app.assertClean();
      await app.context.close();
    });
  }

  test('axe-core finds no serious or critical violation on a phone', T, async () => {
    const app = await openApp(lab, '/', { contextOptions: PHONE });
    await leaderShown(app.page);
    await openAllGroups(app.page);
    await assertAxeClean(app.page, 'the phone layout, every group open');
    app.assertClean();
    await app.context.close();
  });

  test('the keyboard alone plays, pauses, selects a node and crashes it, with a visible focus ring', T, async () => {
    const app = await openApp(lab, '/', { contextOptions: { viewport: { width: 1280, height: 800 } } });
    const { page } = app;
    await leaderShown(page);

    /** Presses Tab until the focused element's accessible name matches `name`; returns its outline. */
    async function tabTo(name) {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          // An SVG button draws its ring as the stroke of its selection circle.
          const ring = el.querySelector('.node-select, .message-dot');
          const stroke = ring && getComputedStyle(ring);
          return {
            name: (el.getAttribute('aria-label') || el.textContent || '').trim(),
            outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
            shadow: style.boxShadow !== 'none' || (!!stroke && stroke.stroke !== 'none' && !/rgba\(0, 0, 0, 0\)|transparent/.test(stroke.stroke) && parseFloat(stroke.strokeWidth) >= 3),
          };
        });
        if (name.test(focused.name)) return focused;
      }
      throw new Error(`Tab never reached ${name}`);
    }

    const pause = await tabTo(/^Pause$/);
    assert.ok(pause.outline || pause.shadow, 'the focused Pause button shows a focus ring');
    await page.keyboard.press('Enter');
    await button(page, 'Play').waitFor();

    const node = await tabTo(/^N2: /);
    assert.ok(node.outline || node.shadow, 'the focused node shows a focus ring');
    await page.keyboard.press('Enter');
    const inspector = page.getByRole('region', { name: 'Inspector' });
    await inspector.getByText('N2', { exact: false }).first().waitFor();

    const crash = await tabTo(/^Crash N2/);
    assert.ok(crash.outline || crash.shadow, 'the focused Crash button shows a focus ring');
    await page.keyboard.press('Enter');
    await untilFrame(page, 'N2 down', () => document.querySelector('[data-node="N2"]')?.dataset.role === 'crashed', null, 5_000);
    assert.match(await page.getByTestId('announcer').textContent(), /N2 crashed/);
    app.assertClean();
    await app.context.close();
  });

  test('the live region announces each new leader with its term, and a crash', T, async () => {
    const app = await openApp(lab, '/', { contextOptions: { viewport: { width: 1280, height: 800 } } });
    const { page } = app;
    assert.equal(await page.getByTestId('announcer').getAttribute('aria-live'), 'polite');
    const first = await untilFrame(page, 'a leader announced', () => {
      const text = document.querySelector('[data-testid="announcer"]').textContent;
      return /N\d is leader for term \d+/.test(text) && text;
    }, null, 20_000);
    const leader = first.match(/(N\d) is leader for term (\d+)/);
    assert.equal(await page.locator(`[data-testid="node"][data-node="${leader[1]}"]`).getAttribute('data-role'), 'leader', 'the announced node leads');
    await page.getByRole('button', { name: new RegExp(`^${leader[1]}: `) }).click();
    await button(page, `Crash ${leader[1]}`).click();
    await untilFrame(page, 'the crash announced', (id) => document.querySelector('[data-testid="announcer"]').textContent.includes(`${id} crashed`), leader[1], 5_000);
    const next = await untilFrame(page, 'the next leader announced', (term) => {
      const m = document.querySelector('[data-testid="announcer"]').textContent.match(/(N\d) is leader for term (\d+)/);
      return m && Number(m[2]) > term && m[0];
    }, Number(leader[2]), 30_000);
    assert.doesNotMatch(next, new RegExp(`^${leader[1]} `), 'a different node leads after the crash');
    app.assertClean();
    await app.context.close();
  });

  test('with reduced motion, messages sit still mid-link and nothing transitions', T, async () => {
    const app = await openApp(lab, '/', { contextOptions: { viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' } });
    const { page } = app;
    await untilFrame(page, 'a message in flight', () => document.querySelector('[data-testid="message"]'), null, 20_000);
    const positions = await page.evaluate(async () => {
      const seen = new Map();
      for (let frame = 0; frame < 20; frame++) {
        for (const m of document.querySelectorAll('[data-testid="message"]')) {
          const key = `${m.dataset.kind} ${m.dataset.from} ${m.dataset.to}`;
          const at = m.getAttribute('transform');
          if (!seen.has(key)) seen.set(key, new Set());
          seen.get(key).add(at);
        }
        await new Promise((ok) => requestAnimationFrame(ok));
      }
      return [...seen.values()].map((s) => s.size);
    });
    assert.ok(positions.length > 0, 'messages were seen');
    assert.ok(positions.every((n) => n === 1), `each message stays in one place while in flight: ${positions}`);
    const moving = await page.evaluate(() =>
      [...document.querySelectorAll('*')].filter((el) => {
        const s = getComputedStyle(el);
        return parseFloat(s.transitionDuration) > 0.01 || (s.animationName !== 'none' && parseFloat(s.animationDuration) > 0.01);
      }).length,
    );
    assert.equal(moving, 0, 'no CSS transition or animation runs');
    app.assertClean();
    await app.context.close();
  });

  test('the Theme switch picks dark or light over the system and keeps the choice', T, async () => {
    const app = await openApp(lab, '/', { contextOptions: { viewport: { width: 1280, height: 800 }, colorScheme: 'light' } });
    const { page } = app;
    const light = await theme(page);
    assert.equal(light.name, 'light');
    assert.ok(light.luminance > 0.8, `a light page: ${light.luminance}`);
    const picker = page.getByRole('combobox', { name: 'Theme' });
    await picker.selectOption({ label: 'Dark' });
    const dark = await theme(page);
    assert.equal(dark.name, 'dark');
    assert.ok(dark.luminance < 0.2, `a dark page: ${dark.luminance}`);
    await leaderShown(page);
    await saveScreenshot(page, 'theme-dark-1280x800.png');
    await page.reload();
    assert.equal((await theme(page)).name, 'dark', 'the choice survives a reload');
    await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Like the system' });
    assert.equal((await theme(page)).name, 'light', 'back to following the (light) system');
    await page.emulateMedia({ colorScheme: 'dark' });
    await untilFrame(page, 'the dark system followed', () => document.documentElement.dataset.theme === 'dark', null, 5_000);
    app.assertClean();
    await app.context.close();
  });

  test('on a phone: tap a node, reach its actions, crash it, and pinch the timeline', T, async () => {
    const app = await openApp(lab, '/', { contextOptions: PHONE });
    const { page } = app;
    await leaderShown(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
    await page.getByRole('button', { name: /^N3: / }).tap();
    const crash = button(page, 'Crash N3');
    await crash.waitFor();
    // The tapped node's actions open in a sheet over the bottom of the
    // screen, next to the drawing and without scrolling; the node stays in
    // sight above it.
    const sheet = await page.getByRole('region', { name: 'Inspector' }).boundingBox();
    assert.ok(Math.abs(sheet.y + sheet.height - 844) <= 1, `the sheet sits on the bottom edge: ${JSON.stringify(sheet)}`);
    const node = await page.locator('[data-testid="node"][data-node="N3"] .node-body').boundingBox();
    assert.ok(node.y >= 0 && node.y + node.height <= sheet.y, `N3 is in sight above the sheet: ${JSON.stringify(node)}`);
    const box = await crash.boundingBox();
    assert.ok(box.y >= sheet.y && box.y + box.height <= 844, `Crash N3 is in the sheet on screen: ${JSON.stringify(box)}`);
    assert.ok(box.width >= 44 && box.height >= 40, `the action is a finger-sized target: ${JSON.stringify(box)}`);
    await saveScreenshot(page, 'phone-node-actions-390x844.png');
    await crash.tap();
    await untilFrame(page, 'N3 down', () => document.querySelector('[data-node="N3"]')?.dataset.role === 'crashed', null, 5_000);

    await button(page, 'Pause').tap();
    const lanes = page.locator('.lanes-box');
    await lanes.scrollIntoViewIfNeeded();
    const span = async () => {
      const label = await lanes.getAttribute('aria-label');
      const [, from, to] = label.match(/from (\S+ m?s) to (\S+ m?s)/);
      const ms = (t) => (t.endsWith(' ms') ? parseFloat(t) : parseFloat(t) * 1000);
      return ms(to) - ms(from);
    };
    const before = await span();
    const rect = await lanes.boundingBox();
    const y = rect.y + rect.height / 2;
    const mid = rect.x + rect.width * 0.6;
    const cdp = await app.context.newCDPSession(page);
    const touch = (type, d) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: type === 'touchEnd' ? [] : [{ x: mid - d, y, id: 1 }, { x: mid + d, y, id: 2 }],
      });
    await touch('touchStart', 20);
    for (let d = 30; d <= 120; d += 10) await touch('touchMove', d);
    await touch('touchEnd', 0);
    const after = await span();
    assert.ok(after < before * 0.5, `spreading two fingers zooms in: ${before} ms wide, then ${after} ms`);
    await saveScreenshot(page, 'phone-timeline-390x844.png');
    await saveScreenshot(page, 'phone-page-390x844.png', { fullPage: true });
    app.assertClean();
    await app.context.close();
  });
});
