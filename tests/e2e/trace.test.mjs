// End-to-end tests of opening a trace from another Raft implementation
// (issue 26), as a person would: etcd's own example trace opened with
// `Open a trace`, stepped, checked clean; the same file with one line made
// into a second leader of a term, reported at that line; the Raftlab
// format dropped on the Share panel; bad files refused next to the button
// with the lab's session untouched. The trace viewer is its own wasm: the
// first load leaves it out, the first `Open a trace` fetches it, and a
// failure to fetch it is said next to the button.
import assert from 'node:assert/strict';
import { mkdtemp, open as openFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, assertAxeClean, openApp, describeLab, saveScreenshot } from './harness.mjs';

const T = { timeout: 120_000 };
const ETCD = path.join(ROOT, 'tests', 'data', 'etcd', 'example.ndjson');
const RAFTLAB = path.join(ROOT, 'docs', 'example.raftlab.ndjson');

const button = (page, name) => page.getByRole('button', { name, exact: true });
const steps = async (page) => Number((await page.getByTestId('steps').textContent()).replace(/\D/g, ''));
/** The trace's cursor as the time readout says it: "… event 12 of 4,888". */
const event = async (page) => {
  const text = await page.getByRole('timer', { name: 'Trace time' }).textContent();
  const m = /event ([\d,]+) of ([\d,]+)/.exec(text);
  assert.ok(m, text);
  return Number(m[1].replace(/,/g, ''));
};

/** Opens `buffer` as `name` with the `Open a trace` button. */
async function openTrace(page, name, buffer) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), button(page, 'Open a trace').click()]);
  await chooser.setFiles({ name, mimeType: 'application/x-ndjson', buffer });
}

/** The trace viewer's files the page has fetched so far (it is its own wasm, loaded on demand). */
const viewerFiles = (page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname.split('/').pop())
      .filter((name) => name.startsWith('raftlab-trace-viewer')),
  );

/** The lab, paused, with its step count: what opening a trace must not change. */
async function pausedLab(page) {
  await button(page, 'Pause').click();
  return steps(page);
}

describeLab('a trace from another Raft implementation', (lab) => {
  test("etcd's example trace opens as a recorded history, steps both ways and checks clean", T, async () => {
    const app = await openApp(lab, '/?speed=1', { contextOptions: { viewport: { width: 1920, height: 1080 } } });
    const { page } = app;
    const before = await pausedLab(page);
    assert.deepEqual(await viewerFiles(page), [], 'the first load leaves the trace viewer out');
    await openTrace(page, 'example.ndjson', await readFile(ETCD));
    const summary = page.getByTestId('trace-summary');
    await summary.waitFor();
    assert.deepEqual(
      (await viewerFiles(page)).sort(),
      ['raftlab-trace-viewer.js', 'raftlab-trace-viewer_bg.wasm'],
      'opening a trace loaded the viewer',
    );
    assert.match(
      await summary.textContent(),
      /etcd Raft trace “example\.ndjson”: 10 nodes, 4,888 events over [\d.]+ s, from 4,888 lines; no line skipped; 126 messages never received/,
    );
    assert.equal(await page.getByTestId('trace-verdict').textContent(), '6 rules checked: nothing broke');
    assert.equal(await page.getByRole('alert').count(), 0, 'no rule broken');
    assert.match(
      await page.locator('.trace-checks').textContent(),
      /Could not check.*a committed index keeps one term: the trace gives no entry's term/,
    );

    // Stepping, one event at a time, both ways.
    assert.equal(await event(page), 0);
    for (let i = 0; i < 5; i++) await button(page, 'Step forward').click();
    assert.equal(await event(page), 5);
    await button(page, 'Step back').click();
    assert.equal(await event(page), 4);
    const current = page.locator('.trace-line.current');
    assert.match(await current.textContent(), /^line 4 /);
    assert.equal(
      await page.getByTestId('trace-announcer').textContent(),
      (await current.locator('button').textContent()).replace(/^line 4 /, '').replace(/ §.*$/, ''),
      'a screen reader hears the event stepped to',
    );
    // Key events: to N2 becoming leader of term 2 and back.
    let leader = '';
    for (let i = 0; i < 20 && !/became leader/.test(leader); i++) {
      await button(page, 'Next key event').click();
      leader = await current.textContent();
    }
    assert.match(leader, /N2 became leader in term 2 §5\.2/);
    const atLeader = await event(page);
    await button(page, 'Previous key event').click();
    assert.ok((await event(page)) < atLeader, 'back to the key event before');
    await button(page, 'Next key event').click();
    assert.equal(await event(page), atLeader);
    const n2 = page.getByRole('button', { name: /^N2: leader, term 2/ });
    await n2.waitFor();
    // The playhead seeks; a line of the event log goes to its event.
    await page.getByRole('slider', { name: 'Playhead' }).fill('3000');
    assert.equal(await event(page), 3000);
    await page.locator('.trace-line button', { hasText: /^line 2990 / }).click();
    assert.equal(await event(page), 2990);
    // Playing moves the cursor by itself until paused.
    await button(page, 'Play').click();
    await page.waitForFunction(
      () => /event 2,99[3-9]|event 3,/.test(document.querySelector('[data-testid="trace-time"]').textContent),
    );
    await button(page, 'Pause').click();
    const paused = await event(page);
    assert.ok(paused > 2992, `played on to ${paused}`);
    await page.waitForTimeout(300);
    assert.equal(await event(page), paused, 'paused stays put');
    await page.locator('.trace-line button', { hasText: /^line 2990 / }).click();

    // The swimlane: a lane per node, arrows from sending to receipt.
    const timeline = page.getByRole('region', { name: 'Timeline' });
    assert.equal(await timeline.locator('.tr-name').count(), 10);
    assert.ok((await timeline.locator('line.tr-msg').count()) > 20, 'messages as arrows');
    assert.equal(await timeline.locator('.tr-playhead').count(), 1);

    // The inspector's actions say why they are unavailable.
    await page.getByRole('button', { name: /^N2:/ }).click();
    // Stepping redraws the cluster; the keyboard focus stays on N2.
    const at = await event(page);
    await page.keyboard.press('.');
    assert.equal(await event(page), at + 1);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')?.slice(0, 3)), 'N2:');
    const crash = button(page, 'Crash N2');
    assert.ok(await crash.isDisabled(), 'the past cannot be changed');
    const why = await page.locator(`#${await crash.getAttribute('aria-describedby')}`).textContent();
    assert.match(why, /recording of what a real implementation did \(etcd Raft trace\), and the past cannot be changed/);
    assert.ok((await page.getByRole('region', { name: 'Logs' }).locator('.log-row').count()) === 10);
    await saveScreenshot(page, 'trace-etcd-1920x1080.png');
    await assertAxeClean(page, "etcd's trace, N2 in the inspector");
    // The presentation layout: the cluster on the left, the checks beside it.
    await button(page, 'Present').click();
    const cluster = await page.getByRole('region', { name: 'Cluster' }).boundingBox();
    const checks = await page.locator('.trace-checks').boundingBox();
    const logs = await page.getByRole('region', { name: 'Logs' }).boundingBox();
    assert.ok(cluster.x + cluster.width <= checks.x && checks.y < cluster.y + cluster.height, 'the checks beside the cluster');
    assert.ok(cluster.y < logs.y && logs.x >= checks.x, 'the cluster at the top left, the logs under the checks');
    await saveScreenshot(page, 'trace-etcd-present-1920x1080.png');
    await button(page, 'Present').click();

    // Closing brings the lab back exactly as it was.
    await button(page, 'Close the trace').click();
    assert.equal(await page.getByTestId('trace-summary').count(), 0);
    assert.equal(await steps(page), before, 'the session did not move while the trace was open');
    // The lab's own keys are back: `.` is one event forward of the lab.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('.');
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="steps"]').textContent.replace(/\D/g, '')) > n, before);
    app.assertClean();
    await app.context.close();
  });

  test('the same file with a second leader of term 2 reports Election Safety at that line', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    const lines = (await readFile(ETCD, 'utf8')).split('\n');
    // Line 2020: N3, a follower in term 2 (N2 has led term 2 since line 102).
    assert.match(lines[2019], /"nid":"3","state":\{"term":2,/);
    lines[2019] = lines[2019].replace('StateFollower', 'StateLeader');
    await openTrace(page, 'two-leaders.ndjson', Buffer.from(lines.join('\n')));
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.locator('strong').textContent(), /^Election Safety \(one leader per term\) broken at line 2020$/);
    assert.match(await alert.textContent(), /Line 2020: Election Safety \(one leader per term\): 3 leads term 2, which 2 led from line 102/);
    await button(page, 'Go to line 2020').click();
    assert.equal(await event(page), 2020);
    const current = page.locator('.trace-line.current');
    assert.match(await current.textContent(), /^line 2020 .*⚠ rule broken/);
    await page.getByRole('button', { name: /^N3: leader, term 2/ }).waitFor();
    app.assertClean();
    await app.context.close();
  });

  test('a Raftlab trace dropped on the Share panel opens, with its logs entry by entry (phone, dark theme)', T, async () => {
    const app = await openApp(lab, '/?speed=1', {
      contextOptions: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' },
    });
    const { page } = app;
    const text = await readFile(RAFTLAB, 'utf8');
    const drop = await page.evaluateHandle((body) => {
      const data = new DataTransfer();
      data.items.add(new File([body], 'example.raftlab.ndjson', { type: 'application/x-ndjson' }));
      return data;
    }, text);
    const panel = page.getByRole('region', { name: 'Share' });
    await panel.dispatchEvent('dragover', { dataTransfer: drop });
    await panel.dispatchEvent('drop', { dataTransfer: drop });
    await page.getByTestId('trace-summary').waitFor();
    assert.match(await page.getByTestId('trace-summary').textContent(), /Raftlab trace “example\.raftlab\.ndjson”: 3 nodes, 67 events over 406 ms/);
    assert.equal(await page.getByTestId('trace-verdict').textContent(), '7 rules checked: nothing broke');
    await button(page, 'Go to live (the end)').click();
    assert.equal(await event(page), 67);
    const n1 = page.getByRole('group', { name: "n1's log entries" });
    assert.deepEqual(await n1.locator('.cell-term').allTextContents(), ['t1', 't1', 't2']);
    assert.match(await page.getByRole('button', { name: /^n2:/ }).getAttribute('aria-label'), /^n2: follower, term 2/);
    await button(page, 'Go to start').click();
    for (let i = 0; i < 43; i++) await page.keyboard.press('.');
    assert.equal(await event(page), 43);
    assert.match(await page.getByRole('button', { name: /^n2:/ }).getAttribute('aria-label'), /^n2: crashed/);
    await assertAxeClean(page, 'a Raftlab trace on a phone, dark theme');
    await saveScreenshot(page, 'trace-raftlab-phone-dark.png', { fullPage: true });
    app.assertClean();
    await app.context.close();
  });

  test('a bad trace says what is wrong and where, next to the button, and changes nothing', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    const before = await pausedLab(page);
    const good = (await readFile(RAFTLAB, 'utf8')).split('\n');
    const cases = [
      ['broken.ndjson', [good[0], good[1], '{"node":"n1","ev":'].join('\n'), /line 3: not a trace event/],
      ['dance.ndjson', [good[0], '{"node":"n1","ev":"dance"}'].join('\n'), /line 2: unknown event `dance`/],
      ['huge.ndjson', '{"node":"n1","ev":"state","term":99999999999999999999999}', /line 1: not a trace event/],
      ['blank.ndjson', '\n\n', /line 2: the file ended without a trace event/],
      ['empty.ndjson', '', /the file is empty/],
      ['photo.ndjson', '\u0089PNG\r\n\u001a\n\u0000\u00ff', /line 1: not a trace event|not text/],
    ];
    const status = page.getByTestId('trace-status');
    // A file of hundreds of MB is refused before it is read (a sparse file: no disk used).
    const huge = `${await mkdtemp(path.join(tmpdir(), 'raftlab-'))}/huge.ndjson`;
    const handle = await openFile(huge, 'w');
    await handle.truncate(300 * 1024 * 1024);
    await handle.close();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), button(page, 'Open a trace').click()]);
    await chooser.setFiles(huge);
    await status.filter({ hasText: 'huge.ndjson' }).waitFor();
    await rm(path.dirname(huge), { recursive: true });
    assert.match(await status.textContent(), /“huge\.ndjson” is 314\.6 MB; the page opens traces up to 41\.9 MB \(check a larger one with raftlab-trace check, which streams any size\)\. Nothing was changed\./);
    for (const [name, body, says] of cases) {
      await openTrace(page, name, Buffer.from(body, 'latin1'));
      await status.filter({ hasText: name }).waitFor();
      const text = await status.textContent();
      assert.match(text, /is not a trace Raftlab can open: .+\. Nothing was changed\./, name);
      assert.match(text, says, name);
      assert.equal(await page.getByTestId('trace-summary').count(), 0, `${name}: no trace shown`);
      assert.equal(await steps(page), before, `${name}: the session is unchanged`);
    }
    app.assertClean();
    await app.context.close();
  });

  test('when the trace viewer cannot be fetched, Open a trace says so, changes nothing, and works once it can', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    const before = await pausedLab(page);
    const status = page.getByTestId('trace-status');
    await page.route('**/raftlab-trace-viewer.js', (route) => route.fulfill({ status: 503, body: 'try later' }));
    await openTrace(page, 'example.raftlab.ndjson', await readFile(RAFTLAB));
    await status.filter({ hasText: 'could not be loaded' }).waitFor();
    assert.match(await status.textContent(), /^The trace viewer could not be loaded \(.+\)\. Nothing was changed\.$/);
    assert.equal(await page.getByTestId('trace-summary').count(), 0, 'no trace shown');
    assert.equal(await steps(page), before, 'the session is unchanged');
    assert.ok(await button(page, 'Play').isVisible(), 'the lab is still on screen');
    // The host answers again: the same button opens the trace.
    await page.unroute('**/raftlab-trace-viewer.js');
    await openTrace(page, 'example.raftlab.ndjson', await readFile(RAFTLAB));
    await page.getByTestId('trace-summary').waitFor();
    assert.match(await page.getByTestId('trace-summary').textContent(), /3 nodes, 67 events/);
    await button(page, 'Close the trace').click();
    assert.equal(await steps(page), before);
    // The one failure provoked (Chromium reports the 503, then the import it
    // abandoned), and nothing else.
    const problems = app.problems.splice(0);
    assert.ok(problems.some((p) => /^HTTP 503 for .*\/raftlab-trace-viewer\.js$/.test(p)), problems.join('\n'));
    assert.deepEqual(problems.filter((p) => !/\/raftlab-trace-viewer\.js\b/.test(p)), [], 'no other failed request');
    app.assertClean({ allow: [/503|raftlab-trace-viewer/] });
    await app.context.close();
  });
});
