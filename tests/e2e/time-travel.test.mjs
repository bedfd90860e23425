// End-to-end tests of time travel, driven as a person would, by role and
// accessible name: stepping back and forward one event or one key event,
// going to the start and back to the live edge, and acting in the past,
// which forks the history and says so.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openApp, saveScreenshot, startLab, untilFrame } from './harness.mjs';

const T = { timeout: 90_000 };

const button = (page, name) => page.getByRole('button', { name, exact: true });

/** The step counter in the top bar. */
const steps = async (page) => Number((await page.getByTestId('steps').textContent()).replace(/\D/g, ''));

/** Every node's role, e.g. { N1: 'follower', N2: 'leader', ... }. */
const roles = (page) =>
  page.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll('[data-testid="node"]')].map((e) => [e.dataset.node, e.dataset.role])),
  );

/** What a person sees of the cluster and the logs, as markup. */
const screen = (page) =>
  page.evaluate(() =>
    ['Cluster', 'Logs'].map((name) => document.querySelector(`[role="region"][aria-label="${name}"]`).outerHTML).join('\n'),
  );

/** Plays until some node leads, then pauses and lines the clock up with an event. */
async function firstLeader(page) {
  await untilFrame(page, 'a leader', () => document.querySelector('[data-testid="node"][data-role="leader"]'), null, 20_000);
  await button(page, 'Pause').click();
  await button(page, 'Step forward').click();
}

describe('time travel', () => {
  let lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab?.stop();
  });

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
    let forward = 0;
    while (!Object.values(await roles(page)).includes('leader')) {
      await button(page, 'Step forward').click();
      forward += 1;
      assert.equal(await steps(page), live - back + forward, 'each press runs exactly one event');
    }
    assert.equal(forward, 1, 'the very next event is the win');
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
    assert.match(await notice.textContent(), /old future after it \(\d+ steps?\) was discarded/);
    const now = await steps(page);
    assert.ok(now > at - 10 && now < at, `the history now ends just after the action (step ${now})`);
    assert.ok(await button(page, 'Go to live').isDisabled(), 'the action is the new live edge');
    assert.equal((await roles(page))[follower], 'crashed');
    await saveScreenshot(page, 'time-travel-fork.png');
    app.assertClean();
    await app.context.close();
  });
});
