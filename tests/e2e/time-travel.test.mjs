// End-to-end tests of time travel, driven as a person would, by role and
// accessible name: stepping back and forward one event or one key event,
// going to the start and back to the live edge, and acting in the past,
// which forks the history and says so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, lanesInView, openApp, saveScreenshot, untilFrame, describeLab } from './harness.mjs';

/** A path under test-artifacts/ for a screenshot of one element. */
async function artifact(name) {
  await mkdir(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

const T = { timeout: 90_000 };

const button = (page, name) => page.getByRole('button', { name, exact: true });

/** The step counter in the top bar. */
const steps = async (page) => Number((await page.getByTestId('steps').textContent()).replace(/\D/g, ''));

/** Every node's role, e.g. { N1: 'follower', N2: 'leader', ... }. */
const roles = (page) =>
  page.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll('[data-testid="node"]')].map((e) => [e.dataset.node, e.dataset.role])),
  );

/** What a person sees of the cluster, the logs, the timeline and the event log, as markup. */
const screen = (page) =>
  page.evaluate(() =>
    ['[role="region"][aria-label="Cluster"]', '[role="region"][aria-label="Logs"]', '.lanes-box', '[role="log"][aria-label="Event log"]']
      .map((sel) => document.querySelector(sel).outerHTML)
      .join('\n'),
  );

/** The event log's line for the current step, and how many lines it lists. */
async function currentLine(page) {
  const log = page.getByRole('log', { name: 'Event log' });
  const line = log.locator('li[aria-current="step"]');
  await line.waitFor();
  const count = Number((await page.locator('.event-log .count').textContent()).match(/^(\d+) line/)[1]);
  return { text: (await line.textContent()).replace(/\s+/g, ' ').trim(), count };
}

/** Plays until some node leads, then pauses and lines the clock up with an event. */
async function firstLeader(page) {
  await untilFrame(page, 'a leader', () => document.querySelector('[data-testid="node"][data-role="leader"]'), null, 20_000);
  await button(page, 'Pause').click();
  await button(page, 'Step forward').click();
}

/** Opens the app, pauses at the first leader and scrolls the lanes into view. */
async function lanesAtFirstLeader(lab) {
  const app = await openApp(lab, '/?speed=1');
  const { page } = app;
  await firstLeader(page);
  const lanes = await lanesInView(page);
  return { app, page, lanes };
}

describeLab('time travel', (lab) => {

  test('step back from the first leader into its election, then forward one event at a time until it wins again', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    await firstLeader(page);
    const live = await steps(page);
    const leaderNow = Object.entries(await roles(page)).find(([, r]) => r === 'leader')[0];
    let back = 0;
    while (Object.values(await roles(page)).includes('leader')) {
      await button(page, 'Step back').click();
      back += 1;
      assert.equal(await steps(page), live - back, 'each press goes back exactly one event');
      assert.ok(back < 500, 'the election is within reach');
    }
    assert.ok(Object.values(await roles(page)).includes('candidate'), 'an election is in progress');
    assert.ok(await page.getByTestId('in-the-past').isVisible(), 'the top bar says we are in the past');
    await saveScreenshot(page, 'time-travel-in-the-past.png');
    // Further back, to before the election began.
    while (Object.values(await roles(page)).includes('candidate')) {
      await button(page, 'Step back').click();
      back += 1;
    }
    let forward = 0;
    let { count } = await currentLine(page);
    const replies = [];
    while (!Object.values(await roles(page)).includes('leader')) {
      await button(page, 'Step forward').click();
      forward += 1;
      assert.equal(await steps(page), live - back + forward, 'each press runs exactly one event');
      const now = await currentLine(page);
      assert.equal(now.count, count + 1, 'the event log gains exactly one line per step');
      assert.match(now.text, new RegExp(`^#${live - back + forward} · `), 'the new line is the current step');
      count = now.count;
      if (/A vote reply from N\d reached N\d/.test(now.text)) replies.push(now.text);
    }
    assert.ok(replies.length >= 2, `each vote reply arrives on its own step: ${replies.join(' | ')}`);
    assert.match(replies.at(-1), /won the election for term \d+ with votes from/, 'the last reply wins');
    assert.equal((await roles(page))[leaderNow], 'leader', 'the same node wins: going back is exact');
    app.assertClean();
    await app.context.close();
  });

  test('back then forward, and start then live, leave the cluster and the logs exactly as they were', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    await firstLeader(page);
    for (let i = 0; i < 20; i++) await page.keyboard.press('.');
    const before = await screen(page);
    const at = await steps(page);
    for (let i = 0; i < 7; i++) await page.keyboard.press(',');
    assert.equal(await steps(page), at - 7, '"," goes back one event');
    assert.notEqual(await screen(page), before, 'seven events back the screen differs');
    for (let i = 0; i < 7; i++) await button(page, 'Step forward').click();
    assert.equal(await screen(page), before, 'back then forward is identical');
    await button(page, 'Go to start').click();
    assert.equal(await steps(page), 0);
    assert.ok(await button(page, 'Step back').isDisabled(), 'nothing before the start');
    await button(page, 'Next key event').click();
    const key = await steps(page);
    assert.ok(key > 0 && key <= at, 'the next key event lies in the known history');
    await button(page, 'Go to live').click();
    assert.equal(await steps(page), at);
    assert.ok(await button(page, 'Go to live').isDisabled(), 'already live');
    assert.equal(await screen(page), before, 'start then live is identical');
    await button(page, 'Previous key event').click();
    assert.ok((await steps(page)) < at);
    // At the live edge, "Next key event" plays until the next one happens
    // (here: the crashed leader's followers start an election) and pauses.
    await button(page, 'Go to live').click();
    const leader = await page.locator('[data-testid="node"][data-role="leader"]').getAttribute('data-node');
    await page.getByRole('button', { name: new RegExp(`^${leader}:`) }).locator('.node-body').click();
    await button(page, `Crash ${leader}`).click();
    const crashed = await steps(page);
    await button(page, 'Next key event').click();
    await button(page, 'Play').waitFor({ timeout: 30_000 });
    assert.ok((await steps(page)) > crashed, 'it ran forward');
    assert.ok(await button(page, 'Go to live').isDisabled(), 'it paused at the live edge');
    assert.match((await currentLine(page)).text, /election|timer fired|became a candidate/, 'it paused on the election that followed');
    app.assertClean();
    await app.context.close();
  });

  test('a step back moves only the playhead, the veil over the known future and the messages in the air: the lanes are not drawn again', T, async () => {
    const { app, page, lanes } = await lanesAtFirstLeader(lab);
    // Tag the drawing: a redraw would replace it with an untagged one.
    await page.evaluate(() => (document.querySelector('.lanes-box > svg.swimlanes').dataset.probe = 'kept'));
    const playheadX = () => page.evaluate(() => Number(document.querySelector('.lanes-box .playhead').getAttribute('x1')));
    const atLive = await playheadX();
    assert.equal(await lanes.locator('.future-veil').count(), 0, 'at the live edge nothing is veiled');
    for (let i = 0; i < 3; i++) await button(page, 'Step back').click();
    await untilFrame(page, 'the veil', () => document.querySelector('.lanes-box .future-veil'));
    const back = await playheadX();
    assert.ok(back < atLive, `the playhead moved back (${atLive} -> ${back})`);
    const veil = await page.evaluate(() => Number(document.querySelector('.lanes-box .future-veil').getAttribute('x')));
    assert.ok(Math.abs(veil - back) < 0.11, `the veil starts at the playhead (${veil} vs ${back})`);
    assert.equal(
      await page.evaluate(() => document.querySelector('.lanes-box > svg.swimlanes').dataset.probe),
      'kept',
      'the lanes themselves were not drawn again',
    );
    await page.getByRole('region', { name: 'Timeline' }).screenshot({ path: await artifact('timeline-step-back-veil.png') });
    await button(page, 'Go to live').click();
    await untilFrame(page, 'no veil', () => !document.querySelector('.lanes-box .future-veil'));
    app.assertClean();
  });

  test('wheel events in one frame zoom once, as far as all of them', T, async () => {
    const { app, page, lanes } = await lanesAtFirstLeader(lab);
    const span = async () => {
      const label = await lanes.getAttribute('aria-label');
      const [, from, to] = label.match(/from ([\d.]+) ms to ([\d.]+) ms/);
      return Number(to) - Number(from);
    };
    const before = await span();
    const redraws = await page.evaluate(async () => {
      const box = document.querySelector('.lanes-box');
      let replaced = 0;
      new MutationObserver((changes) => (replaced += changes.filter((c) => c.target === box).length)).observe(box, { childList: true });
      const r = box.getBoundingClientRect();
      for (let i = 0; i < 5; i++) {
        box.dispatchEvent(new WheelEvent('wheel', { deltaY: -120, clientX: r.left + r.width / 2, clientY: r.top + 40, bubbles: true, cancelable: true }));
      }
      await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
      await new Promise((ok) => setTimeout(ok, 50));
      return replaced;
    });
    const after = await span();
    assert.ok(Math.abs(before / after - 1.5 ** 5) < 0.2, `five notches zoom in 1.5^5 times (${before} -> ${after} ms)`);
    assert.equal(redraws, 1, 'the lanes were drawn once for the five events');
    app.assertClean();
  });

  test('dragging the playhead somewhere and back, or clicking the lanes, reproduces the same state', T, async () => {
    const app = await openApp(lab, '/?speed=1', { contextOptions: { viewport: { width: 1280, height: 800 } } });
    const { page } = app;
    await firstLeader(page);
    for (let i = 0; i < 40; i++) await page.keyboard.press('.');
    // The swimlane in view first: out of view it is not drawn, and the
    // same state must give the same markup.
    await lanesInView(page);
    const slider = page.getByRole('slider', { name: 'Playhead' });
    await slider.scrollIntoViewIfNeeded();
    const before = await screen(page);
    const at = await steps(page);
    await page.getByRole('region', { name: 'Timeline' }).screenshot({ path: await artifact('timeline-1280x800.png') });
    assert.match(await slider.getAttribute('aria-valuetext'), /^\d+\.\d{3} ms$/, 'the playhead says the simulated time');
    const box = await slider.boundingBox();
    const y = box.y + box.height / 2;
    // Drag the thumb from the live edge (far right) to a third of the way.
    await page.mouse.move(box.x + box.width - 4, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.33, y, { steps: 5 });
    await page.mouse.up();
    const middle = await steps(page);
    assert.ok(middle > 0 && middle < at, `the drag went back in time (step ${middle} of ${at})`);
    assert.notEqual(await screen(page), before);
    const past = await screen(page);
    // Back to the end by dragging again: the same state as before.
    await page.mouse.move(box.x + box.width * 0.33, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width + 20, y, { steps: 8 });
    await page.mouse.up();
    assert.equal(await steps(page), at, 'dragged to the live edge');
    assert.equal(await screen(page), before, 'somewhere and back is identical');
    // Clicking in the lanes seeks too; coming back there again is identical.
    const lanes = page.locator('.lanes-box');
    const lb = await lanes.boundingBox();
    await page.mouse.click(lb.x + lb.width * 0.3, lb.y + lb.height / 2);
    const clicked = await steps(page);
    assert.ok(clicked < at, 'a click in the lanes went back');
    await button(page, 'Go to live').click();
    await page.mouse.click(lb.x + lb.width * 0.3, lb.y + lb.height / 2);
    assert.equal(await steps(page), clicked, 'the same click lands on the same step');
    // Arrow keys on the playhead step one event.
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await steps(page), clicked + 1);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await steps(page), clicked);
    assert.ok(past.length > 0);
    // Dragging the playhead line in the lanes while the window follows
    // playback moves time by as much as the pointer moved, and no more.
    await button(page, 'Play').click();
    await page.waitForTimeout(600);
    await button(page, 'Pause').click();
    const ms = (text) => Number(text.match(/([\d.]+) ms/)[1]);
    const windowMs = async () => {
      const [from, to] = [...(await lanes.getAttribute('aria-label')).matchAll(/([\d.]+) ms/g)].map((m) => Number(m[1]));
      return to - from;
    };
    await lanesInView(page);
    const perPx = (await windowMs()) / ((await page.locator('.lanes-box > svg').boundingBox()).width - 56);
    // The grip is a small triangle whose left corner is on the playhead line.
    const grip = await page.locator('.lanes-box .playhead-grip').boundingBox();
    const y0 = (await lanes.boundingBox()).y + 40;
    const t0 = ms(await slider.getAttribute('aria-valuetext'));
    // A plain click on the playhead is no drag: the window keeps following.
    const follow = page.getByRole('checkbox', { name: 'Follow playback' });
    assert.ok(await follow.isChecked(), 'playing turned Follow on');
    await page.mouse.click(grip.x + 2, y0);
    assert.ok(await follow.isChecked(), 'a click on the playhead leaves Follow on');
    assert.equal(ms(await slider.getAttribute('aria-valuetext')), t0, 'and does not move it');
    await page.mouse.move(grip.x + 2, y0);
    await page.mouse.down();
    // Slowly, as a hand drags: the screen redraws between the moves.
    for (let i = 1; i <= 10; i++) {
      await page.mouse.move(grip.x + 2 - 10 * i, y0);
      await page.waitForTimeout(100);
    }
    await page.mouse.up();
    const moved = t0 - ms(await slider.getAttribute('aria-valuetext'));
    assert.ok(moved > 80 * perPx && moved < 120 * perPx, `dragged 100 px at ${perPx.toFixed(3)} ms/px: moved ${moved.toFixed(3)} ms`);
    app.assertClean();
    await app.context.close();
  });

  test('paused, the next event is announced; the log explains its rules and finds lines by search', T, async () => {
    const app = await openApp(lab, '/?speed=1', { contextOptions: { viewport: { width: 1920, height: 1080 } } });
    const { page } = app;
    await firstLeader(page);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.scrollIntoViewIfNeeded();
    await lanesInView(page);
    await timeline.screenshot({ path: await artifact('timeline-1920x1080.png') });
    await saveScreenshot(page, 'timeline-page-1920x1080.png');
    for (let i = 0; i < 12; i++) {
      const next = (await timeline.getByTestId('next-event').textContent()).trim();
      const m = /^next: (.+) at (\d+\.\d{3} ms)$/.exec(next);
      assert.ok(m, `an announcement like "next: N3's election timer fires at 412.700 ms", got ${JSON.stringify(next)}`);
      await button(page, 'Step forward').click();
      const { text } = await currentLine(page);
      assert.ok(text.includes(` · ${m[2]} `), `the step run is the one announced: ${next} / ${text}`);
    }
    // A citation opens its rule's explanation.
    await button(page, 'Go to start').click();
    await button(page, 'Next key event').click();
    await button(page, 'Next key event').click();
    const cite = page.getByRole('log', { name: 'Event log' }).getByRole('button', { name: /^§5\.2: explain/ }).first();
    await cite.click();
    const explanation = page.getByRole('region', { name: 'Rule explanation' });
    await explanation.waitFor();
    assert.match(await explanation.textContent(), /^Leader election \(§5\.2\)[\s\S]*majority[\s\S]*Without it: /);
    await button(page, 'Close the explanation').click();
    assert.equal(await explanation.count(), 0);
    // Search: only lines with the words, all of them up to the cursor.
    await button(page, 'Go to live').click();
    await page.getByRole('searchbox', { name: 'Search the event log' }).fill('won the election');
    await untilFrame(page, 'the search to finish', () => !/Searching/.test(document.querySelector('.search-progress').textContent) && document.querySelectorAll('.log-line').length > 0, null, 20_000);
    const lines = await page.getByRole('log', { name: 'Event log' }).locator('li').allTextContents();
    assert.ok(lines.length >= 1 && lines.every((l) => l.includes('won the election')), lines.join(' | '));
    // Cleared, every line is back; a second search runs as the first did
    // (the search's frames stop when it is cleared and start again).
    const box = page.getByRole('searchbox', { name: 'Search the event log' });
    await box.fill('');
    await untilFrame(page, 'every line back', () => [...document.querySelectorAll('.log-line')].some((l) => !l.textContent.includes('won the election')), null, 10_000);
    await box.fill('elect');
    await untilFrame(page, 'the second search to finish', () => !/Searching/.test(document.querySelector('.search-progress').textContent) && document.querySelectorAll('.log-line').length > 0 && [...document.querySelectorAll('.log-line')].every((l) => l.textContent.includes('elect')), null, 20_000);
    const again = await page.getByRole('log', { name: 'Event log' }).locator('li').allTextContents();
    assert.ok(again.length >= lines.length, `"elect" finds at least the ${lines.length} wins: ${again.length}`);
    app.assertClean();
    await app.context.close();
  });

  test('acting in the past forks: the old future is discarded and the screen says so', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    await firstLeader(page);
    for (let i = 0; i < 30; i++) await page.keyboard.press('.');
    const at = await steps(page);
    for (let i = 0; i < 10; i++) await button(page, 'Step back').click();
    assert.ok(!(await page.getByTestId('fork-notice').isVisible().catch(() => false)));
    const follower = Object.entries(await roles(page)).find(([, r]) => r === 'follower')[0];
    await page.getByRole('button', { name: new RegExp(`^${follower}:`) }).locator('.node-body').click();
    await button(page, `Crash ${follower}`).click();
    const notice = page.getByRole('status').filter({ hasText: 'acted in the past' });
    await notice.waitFor();
    assert.match(await notice.textContent(), /branch 2 starts from your action\. The old future \(\d+ steps?\) is kept/);
    const now = await steps(page);
    assert.ok(now > at - 10 && now < at, `the history now ends just after the action (step ${now})`);
    assert.ok(await button(page, 'Go to live').isDisabled(), 'the action is the new live edge');
    assert.equal((await roles(page))[follower], 'crashed');
    await saveScreenshot(page, 'time-travel-fork.png');
    // The old future is a branch: switch to it and back.
    const branches = page.getByRole('region', { name: 'Branches' }).getByRole('button');
    assert.equal(await branches.count(), 2);
    assert.match(await branches.nth(1).textContent(), new RegExp(`^Branch 2: crash ${follower} at step \\d+`));
    assert.equal(await branches.nth(1).getAttribute('aria-current'), 'true');
    await branches.nth(0).click();
    assert.equal(await branches.nth(0).getAttribute('aria-current'), 'true');
    await button(page, 'Go to live').click();
    assert.equal(await steps(page), at, 'the first history still ends where it did');
    assert.equal((await currentLine(page)).count, at, 'the event log lists that history, a line per step');
    assert.notEqual((await roles(page))[follower], 'crashed', 'and there nobody crashed it');
    await branches.nth(1).click();
    assert.equal(await steps(page), now, 'the new branch is where it was left');
    assert.equal((await currentLine(page)).count, now, 'and this one');
    assert.equal((await roles(page))[follower], 'crashed');
    // The branch on screen says how long it is as it grows.
    for (let i = 0; i < 5; i++) await page.keyboard.press('.');
    assert.match(await branches.nth(1).textContent(), new RegExp(`\\(${now + 5} steps, split at step \\d+\\)$`));
    assert.match(await branches.nth(0).textContent(), new RegExp(`\\(${at} steps\\)$`), 'the other keeps its length');
    app.assertClean();
    await app.context.close();
  });
});
