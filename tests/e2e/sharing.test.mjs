// End-to-end tests of sharing a run, as a person would: copy a link and
// open it in a new page; export the session to a file and import it; and
// open a hostile link or a broken file, which must say what is wrong and
// leave the session as it was.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { openApp, untilFrame, describeLab } from './harness.mjs';

const T = { timeout: 120_000 };

const button = (page, name) => page.getByRole('button', { name, exact: true });
const steps = async (page) => Number((await page.getByTestId('steps').textContent()).replace(/\D/g, ''));

/** The cluster drawing and the logs, as markup, without what is selected (a selection is not part of a run). */
const screen = (page) =>
  page.evaluate(() =>
    ['Cluster', 'Logs']
      .map((name) => document.querySelector(`[role="region"][aria-label="${name}"]`).outerHTML)
      .join('\n')
      .replace(/ selected"/g, '"')
      .replace(/ aria-pressed="(true|false)"/g, ''),
  );

/** Plays to a leader, crashes one follower, runs on a little and pauses. */
async function someRun(page) {
  await untilFrame(page, 'a leader', () => document.querySelector('[data-testid="node"][data-role="leader"]'), null, 20_000);
  await button(page, 'Pause').click();
  const follower = await page.locator('[data-testid="node"][data-role="follower"]').first().getAttribute('data-node');
  await page.getByRole('button', { name: new RegExp(`^${follower}:`) }).locator('.node-body').click();
  await button(page, `Crash ${follower}`).click();
  for (let i = 0; i < 25; i++) await button(page, 'Step forward').click();
  for (let i = 0; i < 5; i++) await button(page, 'Step back').click();
}

describeLab('sharing', (lab) => {

  test('a copied link opens the same run, paused at the same step', T, async () => {
    const app = await openApp(lab, '/?speed=1', { contextOptions: { permissions: ['clipboard-read', 'clipboard-write'] } });
    const { page } = app;
    await someRun(page);
    const at = await steps(page);
    const before = await screen(page);
    await button(page, 'Copy link').click();
    const status = page.getByTestId('share-status');
    await status.filter({ hasText: 'Link copied' }).waitFor();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(link, /#s=[A-Za-z0-9_-]+$/);
    assert.equal(await page.evaluate(() => location.href), link, 'the address bar holds the link too');
    const other = await openApp(lab, link.slice(lab.server.origin.length));
    await other.page.getByTestId('share-status').filter({ hasText: 'Opened the shared run' }).waitFor();
    assert.equal(await steps(other.page), at, 'the same step');
    assert.equal(await button(other.page, 'Play').count(), 1, 'paused');
    assert.equal(await screen(other.page), before, 'the same cluster and logs');
    other.assertClean();
    await other.context.close();
    app.assertClean();
    await app.context.close();
  });

  test('a link carries every branch: the other branches open where they were left', T, async () => {
    const app = await openApp(lab, '/?speed=1', { contextOptions: { permissions: ['clipboard-read', 'clipboard-write'] } });
    const { page } = app;
    await someRun(page);
    await button(page, 'Go to live').click();
    const firstEnd = await steps(page);
    const firstScreen = await screen(page);
    for (let i = 0; i < 8; i++) await button(page, 'Step back').click();
    await button(page, 'Heal the network').click(); // acting in the past: branch 2
    const branches = (p) => p.getByRole('region', { name: 'Branches' }).getByRole('button');
    assert.equal(await branches(page).count(), 2);
    const at = await steps(page);
    await button(page, 'Copy link').click();
    await page.getByTestId('share-status').filter({ hasText: 'Link copied' }).waitFor();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    const other = await openApp(lab, link.slice(lab.server.origin.length));
    const p2 = other.page;
    await p2.getByTestId('share-status').filter({ hasText: 'Opened the shared run' }).waitFor();
    assert.equal(await steps(p2), at, 'the branch on screen when shared');
    assert.equal(await branches(p2).count(), 2, 'both branches came with the link');
    assert.match(await branches(p2).nth(1).textContent(), /^The first history \(\d+ steps\)/);
    await branches(p2).nth(1).click();
    assert.equal(await steps(p2), firstEnd, 'the other branch opens where it was left');
    assert.equal(await screen(p2), firstScreen, 'exactly as it was');
    other.assertClean();
    await other.context.close();
    app.assertClean();
    await app.context.close();
  });

  test('an exported session file imports to the same run; a broken file changes nothing', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    await someRun(page);
    const at = await steps(page);
    const before = await screen(page);
    const [download] = await Promise.all([page.waitForEvent('download'), button(page, 'Export session').click()]);
    assert.match(download.suggestedFilename(), /^raftlab-seed1-step\d+\.json$/);
    const json = await readFile(await download.path(), 'utf8');
    assert.equal(JSON.parse(json).cursor, at);

    const fresh = await openApp(lab, '/?speed=1');
    const p2 = fresh.page;
    await button(p2, 'Pause').click();
    const untouched = await screen(p2);
    const s0 = await steps(p2);
    for (const [name, body] of [
      ['broken.json', '{"version":1,"config":'],
      ['future.json', json.replace('"version":1', '"version":7')],
      ['photo.json', '\u0089PNG\r\n\u001a\n'],
    ]) {
      const [chooser] = await Promise.all([p2.waitForEvent('filechooser'), button(p2, 'Import session').click()]);
      await chooser.setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(body) });
      const status = p2.getByTestId('share-status');
      await status.filter({ hasText: name }).waitFor();
      assert.match(await status.textContent(), /is not a session Raftlab can open: .+\. Nothing was changed\./);
      assert.equal(await steps(p2), s0, `${name}: the session is unchanged`);
      assert.equal(await screen(p2), untouched, `${name}: the screen is unchanged`);
    }
    // The good file, dropped on the Share panel as a person would drag it there.
    const drop = await p2.evaluateHandle((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'good.json', { type: 'application/json' }));
      return data;
    }, json);
    const panel = p2.getByRole('region', { name: 'Share' });
    await panel.dispatchEvent('dragover', { dataTransfer: drop });
    await panel.dispatchEvent('drop', { dataTransfer: drop });
    await p2.getByTestId('share-status').filter({ hasText: 'Opened “good.json”' }).waitFor();
    assert.equal(await steps(p2), at);
    assert.equal(await screen(p2), before, 'the imported run is the exported one');
    fresh.assertClean();
    await fresh.context.close();
    app.assertClean();
    await app.context.close();
  });

  test('the event log exports as text and the timeline as an SVG image', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    await someRun(page);
    const lines = Number((await page.locator('.event-log .count').textContent()).match(/^(\d+) line/)[1]);
    const [log] = await Promise.all([page.waitForEvent('download'), button(page, 'Export the event log').click()]);
    const text = await readFile(await log.path(), 'utf8');
    const rows = text.trimEnd().split('\n');
    assert.equal(rows.length, lines, 'one row per line of the log');
    assert.match(rows[0], /^#1\t\d+\.\d{3} ms\t\S/);
    assert.ok(rows.some((r) => /won the election for term 1 .*\(§5\.2\)/.test(r)), 'sentences with their rules');
    assert.ok(rows.some((r) => /You: crash N\d/.test(r)), 'your actions too');
    const [image] = await Promise.all([page.waitForEvent('download'), button(page, 'Save as SVG').click()]);
    assert.match(image.suggestedFilename(), /^raftlab-timeline-.+\.svg$/);
    const svg = await readFile(await image.path(), 'utf8');
    assert.match(svg, /^<svg class="swimlanes" xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<style>[^<]*\.swimlanes \.role\.leader/, 'the styles travel with the image');
    assert.match(svg, /<\/style><defs><pattern id="sl-hatch"/, 'and so do the patterns and arrow heads');
    assert.match(svg, /class="role leader"/);
    app.assertClean();
    await app.context.close();
  });

  test('the next visit offers to restore the last session, exactly', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    await someRun(page);
    const at = await steps(page);
    const before = await screen(page);
    // A second visit in the same browser (same storage).
    const again = await app.context.newPage();
    await again.goto(lab.server.origin + '/?speed=1');
    await button(again, 'Restore last session').click();
    await again.getByTestId('share-status').filter({ hasText: 'Restored your last session' }).waitFor();
    assert.equal(await steps(again), at);
    assert.equal(await screen(again), before);
    assert.equal(await button(again, 'Restore last session').count(), 0, 'offered once');
    // A visit through a broken link says so, and still offers the work back.
    const third = await app.context.newPage();
    await third.goto(lab.server.origin + '/?speed=1#s=eyJ2ZXJzaW9uIjox');
    await third.getByTestId('share-status').filter({ hasText: 'This link could not be opened' }).waitFor();
    await button(third, 'Restore last session').click();
    await third.getByTestId('share-status').filter({ hasText: 'Restored your last session' }).waitFor();
    assert.equal(await steps(third), at, 'the broken link did not save over the last session');
    assert.equal(await screen(third), before);
    app.assertClean();
    await app.context.close();
  });

  test('a hostile or truncated link says what is wrong and opens a fresh cluster', T, async () => {
    for (const [fragment, words] of [
      ['#s=<script>alert(1)</script>', /invalid character/],
      ['#s=eyJ2ZXJzaW9uIjox', /not valid|incomplete/],
      ['#s=' + 'A'.repeat(2_000_000), /the limit is/],
      ['#nothing-here', /does not contain a Raftlab session/],
    ]) {
      const app = await openApp(lab, '/' + fragment);
      const status = app.page.getByTestId('share-status');
      await status.filter({ hasText: 'This link could not be opened' }).waitFor();
      assert.match(await status.textContent(), words, fragment.slice(0, 40));
      await untilFrame(app.page, 'the fresh cluster to run', () => document.querySelector('[data-testid="node"][data-role="leader"]'), null, 20_000);
      app.assertClean();
      await app.context.close();
    }
  });

  test('an address asking for what the page cannot do says so and opens with what it can', T, async () => {
    const app = await openApp(lab, '/?size=4&speed=0.3&seed=abc');
    const { page } = app;
    const status = page.getByTestId('share-status');
    await status.filter({ hasText: 'asks for 4 nodes' }).waitFor();
    const words = await status.textContent();
    assert.match(words, /speed 0\.3, which the Speed menu does not offer; the nearest, 1\/4×, is used/);
    assert.match(words, /asks for seed “abc”: a seed is a whole number/);
    assert.match(words, /asks for 4 nodes: a cluster has 3, 5, 7 or 9, so it has 5/);
    assert.equal(await page.getByTestId('speed').evaluate((s) => s.selectedOptions[0].textContent), '1/4×', 'the menu shows the speed used');
    assert.match(await page.getByRole('status', { name: 'Configuration' }).textContent(), /voters N1, N2, N3, N4, N5;/);
    app.assertClean();
    await app.context.close();
  });
});
