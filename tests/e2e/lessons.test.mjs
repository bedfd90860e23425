// End-to-end tests of the lessons, driven as a person would: open each
// lesson from the Lessons menu, click through every caption to the end and
// back again (back is time travel: each caption's screen comes back exactly),
// and finish with "Try it yourself", which leaves free play at that point.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openApp, saveScreenshot, describeLab } from './harness.mjs';

const T = { timeout: 240_000 };

const button = (page, name) => page.getByRole('button', { name, exact: true });

/** What the cluster drawing and the logs show, as markup. */
const screen = (page) =>
  page.evaluate(() =>
    ['Cluster', 'Logs'].map((name) => document.querySelector(`[role="region"][aria-label="${name}"]`).outerHTML).join('\n'),
  );

const steps = async (page) => Number((await page.getByTestId('steps').textContent()).replace(/\D/g, ''));

/** Presses Continue and waits until the run has played to the next caption. */
async function next(page) {
  const at = Number((await page.locator('.lesson-player .caption-count').textContent()).match(/Caption (\d+)/)[1]);
  await button(page, 'Continue').click();
  await page.locator('.lesson-player .caption-count').filter({ hasText: `Caption ${at + 1} of` }).waitFor({ timeout: 30_000 });
}

describeLab('lessons', (lab) => {

  test('every lesson opens from the menu and plays through its captions forward and back', T, async () => {
    // At 5×, Continue's animation to the next caption takes under a second.
    const app = await openApp(lab, '/?speed=5', { contextOptions: { viewport: { width: 1920, height: 1080 }, permissions: ['clipboard-read', 'clipboard-write'] } });
    const { page } = app;
    const menu = page.getByRole('navigation', { name: 'Lessons' });
    const titles = await menu.getByRole('button').allTextContents();
    assert.ok(titles.length >= 10, `the menu lists the lessons: ${titles.join(', ')}`);
    assert.match(await page.locator('.welcome').textContent(), /Welcome/);
    for (const [n, title] of titles.entries()) {
      await menu.getByRole('button', { name: title, exact: true }).click();
      const player = page.getByRole('region', { name: 'Lesson', exact: true });
      await player.waitFor();
      assert.equal((await player.getByRole('heading', { level: 2 }).textContent()).trim(), title);
      assert.equal(await button(page, 'Play').count(), 1, `${title}: opens paused`);
      const count = Number((await player.locator('.caption-count').textContent()).match(/of (\d+)/)[1]);
      const seen = [];
      for (let i = 0; i < count; i++) {
        const caption = (await page.getByTestId('caption').textContent()).trim();
        assert.ok(caption.length > 10, `${title}: caption ${i + 1} says something`);
        assert.doesNotMatch(caption, /\{node\}|\{term\}/, 'placeholders are filled in');
        seen.push({ caption, step: await steps(page), screen: await screen(page) });
        if (i === Math.min(1, count - 1)) await saveScreenshot(page, `lesson-${String(n + 1).padStart(2, '0')}.png`);
        if (/appends C_old,new/.test(caption)) {
          // Both quorums are drawn: each server says which majorities it counts in.
          const tags = await page.locator('.node-extra').allTextContents();
          assert.ok(tags.some((t) => /C_old\+C_new$/.test(t)), tags.join(' | '));
          assert.ok(tags.some((t) => /C_new only$/.test(t)), tags.join(' | '));
          assert.match(await page.getByTestId('quorums').textContent(), /needs 2 of C_old \(N1, N2, N3\) and 3 of C_new \(N1, N2, N3, N4, N5\)/);
        }
        if (n === 0 && i === 1) {
          // "N4 ... asks every other server for its vote": those requests are
          // highlighted in the drawing, and the time since the first caption
          // in the timeline.
          const asked = await page.locator('[data-testid="message"].focus').count();
          assert.equal(asked, 4, 'the four vote requests are highlighted');
          assert.equal(await page.locator('.lanes-box .focus-span').count(), 1, 'the stretch of time is highlighted');
        }
        if (i + 1 < count) await next(page);
      }
      assert.ok(seen.every((s, i) => i === 0 || s.step >= seen[i - 1].step), `${title}: captions move forward in time`);
      for (let i = count - 1; i > 0; i--) {
        await button(page, 'Back').click();
        assert.equal((await page.getByTestId('caption').textContent()).trim(), seen[i - 1].caption);
        assert.equal(await steps(page), seen[i - 1].step, `${title}: Back returns to caption ${i}'s step`);
        assert.equal(await screen(page), seen[i - 1].screen, `${title}: Back restores caption ${i}'s screen exactly`);
      }
      assert.ok(await button(page, 'Back').isDisabled(), 'nothing before the first caption');
      for (let i = 1; i < count; i++) await next(page);
      await button(page, 'Try it yourself').click();
      assert.equal(await player.count(), 0, `${title}: free play after the last caption`);
      assert.equal(await steps(page), seen[count - 1].step, 'free play starts where the lesson ended');
    }
    // A link copied during a lesson opens that lesson at that caption.
    await menu.getByRole('button', { name: titles[0], exact: true }).click();
    await next(page);
    await next(page);
    const caption = (await page.getByTestId('caption').textContent()).trim();
    const at3 = await steps(page);
    await button(page, 'Copy link').click();
    await page.getByTestId('share-status').filter({ hasText: 'Link copied' }).waitFor();
    const link = await page.evaluate(() => location.href);
    const other = await openApp(lab, link.slice(lab.server.origin.length));
    const player = other.page.getByRole('region', { name: 'Lesson', exact: true });
    await player.waitFor();
    assert.match(await player.locator('.caption-count').textContent(), /^Caption 3 of /);
    assert.equal((await other.page.getByTestId('caption').textContent()).trim(), caption);
    assert.equal(await steps(other.page), at3);
    other.assertClean();
    await other.context.close();
    // Acting at the furthest caption changes the run the captions describe:
    // the lesson closes and says so, and the action is carried out.
    await page.getByRole('button', { name: /^N1:/ }).locator('.node-body').click();
    await button(page, 'Crash N1').click();
    assert.equal(await page.getByRole('region', { name: 'Lesson', exact: true }).count(), 0, 'acting closes the lesson');
    assert.match(await page.getByTestId('fork-notice').textContent(), new RegExp(`changed the run, so “${titles[0]}” closed at caption 3`));
    assert.equal(await page.locator('[data-testid="node"][data-node="N1"]').getAttribute('data-role'), 'crashed');
    // Free play really plays.
    const at = await steps(page);
    await button(page, 'Play').click();
    await page.waitForFunction((s) => Number(document.querySelector('[data-testid="steps"]').textContent.replace(/\D/g, '')) > s, at);
    app.assertClean();
    await app.context.close();
  });
});
