// End-to-end tests of the first screen, against the release build in dist/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PREFIX } from './server.mjs';
import { openApp, saveScreenshot, simMillis, sleep, untilFrame, describeLab } from './harness.mjs';

// The first election takes about half a simulated second; at the default
// speed (0.1x) that is about 5 s of playback. Allow three times that.
const LEADER_TIMEOUT_MS = 15_000;
const T = { timeout: 60_000 };

/** Waits until a node shows as leader; returns its name (N1...). */
function leaderShown(page) {
  return untilFrame(
    page,
    'a leader',
    () => document.querySelector('[data-testid="node"][data-role="leader"]')?.dataset.node,
    null,
    LEADER_TIMEOUT_MS,
  );
}

describeLab('Raftlab in the browser', (lab) => {

  test('loads with no console error, failed request or panic', T, async () => {
    const app = await openApp(lab, '/');
    const { page } = app;
    await page.getByTestId('node').first().waitFor();
    assert.match(await page.title(), /Raftlab/);
    await sleep(1500);
    assert.equal(await page.getByTestId('panic-banner').count(), 0, 'no panic banner');
    app.assertClean();
    await app.context.close();
  });

  test('draws five voters, N1 to N5, each with a role and a term, and two spare servers', T, async () => {
    const app = await openApp(lab, '/');
    const { page } = app;
    const nodes = page.getByTestId('node');
    await nodes.first().waitFor();
    assert.equal(await nodes.count(), 7);
    const names = await nodes.evaluateAll((els) => els.map((e) => e.dataset.node));
    assert.deepEqual(names, ['N1', 'N2', 'N3', 'N4', 'N5', 'N6', 'N7']);
    for (const el of await nodes.all()) {
      const spare = ['N6', 'N7'].includes(await el.getAttribute('data-node'));
      const role = await el.getAttribute('data-role');
      if (spare) assert.equal(role, 'outside', 'a spare server is not a member until added');
      else assert.match(role, /^(follower|pre-candidate|candidate|leader)$/);
      const term = await el.locator('.node-term').textContent();
      assert.match(term, /^term \d+$/);
      assert.equal(`term ${await el.getAttribute('data-term')}`, term);
      assert.match(await el.locator('.node-letter').textContent(), spare ? /^–$/ : /^[FPCL]$/);
      assert.ok((await el.getByRole('button').getAttribute('aria-label')).startsWith(await el.getAttribute('data-node')));
    }
    app.assertClean();
    await app.context.close();
  });

  test('elects a leader within a few seconds of playback, and shows it', T, async () => {
    const app = await openApp(lab, '/');
    const { page } = app;
    const started = Date.now();
    const leader = await leaderShown(page);
    const waited = Date.now() - started;
    const leaders = page.locator('[data-testid="node"][data-role="leader"]');
    assert.equal(await leaders.count(), 1, 'exactly one leader');
    assert.equal(await leaders.getAttribute('data-node'), leader);
    assert.equal(await leaders.locator('.node-letter').textContent(), 'L');
    assert.match(
      await page.getByTestId('leader-status').textContent(),
      new RegExp(`^Leader: ${leader} \\(term \\d+\\)$`),
    );
    // The leader heartbeats: empty AppendEntries (drawn HB) leave it.
    const label = await untilFrame(
      page,
      `a heartbeat from ${leader}`,
      (from) =>
        document
          .querySelector(`[data-testid="message"][data-kind="Heartbeat"][data-from="${from}"] .message-label`)
          ?.textContent,
      leader,
      5_000,
    );
    assert.equal(label, 'HB');
    console.log(`# leader ${leader} shown after ${waited} ms of wall time`);
    app.assertClean();
    await app.context.close();
  });

  test('pause stops simulated time and play resumes it', T, async () => {
    const app = await openApp(lab, '/');
    const { page } = app;
    const button = page.getByTestId('play-pause');
    await page.getByTestId('node').first().waitFor();
    assert.equal(await button.getAttribute('aria-label'), 'Pause', 'playing on load');

    // Playing: time advances, at roughly the default 0.1x.
    const t0 = await simMillis(page);
    const w0 = Date.now();
    await sleep(1500);
    const t1 = await simMillis(page);
    const rate = (t1 - t0) / (Date.now() - w0);
    assert.ok(t1 > t0, `time advances while playing (${t0} -> ${t1})`);
    assert.ok(rate > 0.01 && rate < 0.2, `default speed near 0.1x, measured ${rate.toFixed(3)}x`);

    // Paused: not a microsecond more.
    await button.click();
    assert.equal(await button.getAttribute('aria-label'), 'Play');
    const paused = await simMillis(page);
    await sleep(1200);
    assert.equal(await simMillis(page), paused, 'time stands still while paused');

    // Playing again.
    await button.click();
    assert.equal(await button.getAttribute('aria-label'), 'Pause');
    await sleep(1000);
    assert.ok((await simMillis(page)) > paused, 'time advances again after play');
    app.assertClean();
    await app.context.close();
  });

  test('messages glide along their links', T, async () => {
    const app = await openApp(lab, '/');
    const { page } = app;
    // A dot more than 9 units from its link's middle (the side lane is 7).
    const seen = await untilFrame(
      page,
      'a message away from the middle of its link',
      () => window.__probe.offsets().find((m) => m.offset > 9),
      null,
      LEADER_TIMEOUT_MS,
    );
    assert.ok(seen.offset < seen.link / 2, `drawn on its link: ${JSON.stringify(seen)}`);
    app.assertClean();
    await app.context.close();
  });

  test('with reduced motion, messages sit still mid-link while time runs', T, async () => {
    const app = await openApp(lab, '/', { contextOptions: { reducedMotion: 'reduce' } });
    const { page } = app;
    await untilFrame(
      page,
      'a message in flight',
      () => window.__probe.offsets().length > 0,
      null,
      LEADER_TIMEOUT_MS,
    );
    // Every message drawn in every frame for 1.5 s sits at its link's middle
    // (give or take the 7-unit side lane).
    const frames = await page.evaluate(() => window.__probe.everyFrame(() => window.__probe.offsets(), 1500));
    const drawn = frames.flat();
    assert.ok(drawn.length > 0, 'messages were drawn');
    const worst = Math.max(...drawn.map((m) => m.offset));
    assert.ok(worst <= 8, `a message was drawn ${worst.toFixed(1)} units from the middle of its link`);
    const t0 = await simMillis(page);
    await sleep(800);
    assert.ok((await simMillis(page)) > t0, 'time still advances with reduced motion');
    app.assertClean();
    await app.context.close();
  });

  test('works under any path prefix, with relative URLs only', T, async () => {
    const before = lab.server.requests.length;
    const app = await openApp(lab, PREFIX);
    const { page } = app;
    await page.locator('[data-testid="node"]').nth(4).waitFor();
    await sleep(500);
    const paths = lab.server.requests.slice(before);
    assert.ok(paths.some((p) => p.endsWith('.wasm')), 'the wasm module was fetched');
    assert.ok(paths.some((p) => p.endsWith('.css')), 'the stylesheet was fetched');
    const outside = paths.filter((p) => !p.startsWith(PREFIX));
    assert.deepEqual(outside, [], `every request stays under ${PREFIX}`);
    assert.ok(
      await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')).display === 'flex'),
      'the stylesheet applies',
    );
    app.assertClean();
    await app.context.close();
  });

  test('a panic shows an alert banner with the message and logs it', T, async () => {
    const app = await openApp(lab, '/?selftest=panic');
    const { page } = app;
    const banner = page.getByRole('alert');
    await banner.waitFor({ timeout: 10_000 });
    assert.equal(await banner.getAttribute('data-testid'), 'panic-banner');
    const text = await banner.textContent();
    assert.match(text, /Raftlab stopped with an internal error/);
    assert.match(text, /selftest: a deliberate panic to check the error banner/);
    assert.match(text, /src\/ui\/mod\.rs:\d+:\d+/, 'the banner says where');
    assert.ok(await banner.isVisible(), 'the banner is visible');
    assert.ok(
      app.consoleErrors.some((e) => /Raftlab panicked: selftest: a deliberate panic/.test(e)),
      `the panic is logged to the console: ${JSON.stringify(app.consoleErrors)}`,
    );
    // The panic aborts the wasm module (panic = "abort"), which the browser
    // reports as an uncaught RuntimeError: that, and only that, is expected.
    app.assertClean({ allow: [/Raftlab panicked: selftest/, /RuntimeError: unreachable/] });
    await app.context.close();
  });

  test('saves screenshots of the running app (desktop and phone width)', T, async () => {
    const app = await openApp(lab, '/', { contextOptions: { viewport: { width: 1280, height: 800 } } });
    const { page } = app;
    await leaderShown(page);
    // Pause, from inside the page and within one frame, at a moment when at
    // least two messages are near the middle of their links: a telling
    // picture, and proof that a paused frame keeps its messages.
    const midway = await untilFrame(
      page,
      'two messages mid-link',
      () => {
        // Within a fifth of its path from the middle. A dot travels between
        // the two nodes' rims, 44 units from each centre; the side lane is 7.
        const near = window.__probe.offsets().filter((m) => m.offset < 0.2 * (m.link - 88) + 8).length;
        if (near < 2) return 0;
        document.querySelector('[data-testid="play-pause"]').click();
        return near;
      },
      null,
      20_000,
    );
    assert.equal(await page.getByTestId('play-pause').getAttribute('aria-label'), 'Play');
    await sleep(300);
    assert.ok((await page.getByTestId('message').count()) >= midway, 'messages stay drawn while paused');
    await saveScreenshot(page, 'raftlab-desktop.png');
    app.assertClean();
    await app.context.close();

    const phone = await openApp(lab, '/', {
      contextOptions: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
    });
    await leaderShown(phone.page);
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling on a phone (overflow ${overflow}px)`);
    await saveScreenshot(phone.page, 'raftlab-phone.png', { fullPage: true });
    phone.assertClean();
    await phone.context.close();
  });
});
