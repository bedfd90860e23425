// End-to-end tests of the live cluster, driven as a person would: every
// control is found by its role and accessible name (../shared UI-CONTRACT).
// `?speed=1` plays in real time so that elections take a fraction of a
// second; everything else goes through the page's own controls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openApp, openGroup, saveScreenshot, simMillis, sleep, untilFrame, describeLab } from './harness.mjs';

const T = { timeout: 90_000 };

/** Waits for a leader other than `not` (with a term above `above`); returns { node, term }. */
function leader(page, { not = null, above = 0, timeout = 20_000 } = {}) {
  return untilFrame(
    page,
    `a leader${not ? ` other than ${not}` : ''}`,
    ([not, above]) => {
      const el = [...document.querySelectorAll('[data-testid="node"][data-role="leader"]')].find(
        (e) => e.dataset.node !== not && Number(e.dataset.term) > above,
      );
      return el && { node: el.dataset.node, term: Number(el.dataset.term) };
    },
    [not, above],
    timeout,
  );
}

/** The node's button in the drawing (its name starts "N3:"). */
const nodeButton = (page, id) => page.getByRole('button', { name: new RegExp(`^${id}:`) });
/** The node's drawing (its button, labels and state attributes). */
const nodeFigure = (page, id) => page.locator(`[data-testid="node"][data-node="${id}"]`);

/** Selects a node by clicking its disc. */
async function selectNode(page, id) {
  await nodeButton(page, id).locator('.node-body').click();
  await page.getByRole('region', { name: 'Inspector' }).getByRole('heading', { name: id, exact: true }).waitFor();
}

const button = (page, name) => page.getByRole('button', { name, exact: true });
const results = (page) => page.getByRole('log', { name: 'Client results' });

/** Waits for a result line matching `re`; returns its text. */
async function result(page, re, timeout = 15_000) {
  const item = results(page).getByRole('listitem').filter({ hasText: re }).first();
  await item.waitFor({ timeout });
  return item.textContent();
}

/**
 * The step on screen is the one at which the alert's latest broken rule
 * broke (an earlier one may be listed first): playback stops on that very
 * step, not at the end of the frame that ran it.
 */
async function assertPausedOnTheBreakingStep(page, alertText) {
  const broke = Math.max(...[...alertText.matchAll(/, step (\d+)/g)].map((m) => Number(m[1])));
  const shown = Number((await page.getByTestId('steps').textContent()).match(/step (\d+)/)?.[1]);
  assert.ok(broke > 0, `the alert names its step: ${alertText}`);
  assert.equal(shown, broke, 'the cluster shows the step that broke the rule');
  assert.equal(await page.getByTestId('in-the-past').count(), 0, 'at the live edge, not in the past');
}

describeLab('the live cluster', (lab) => {

  test('crash the leader: a new leader is elected in a higher term, the crashed one keeps its term', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    const old = await leader(page);
    await selectNode(page, old.node);
    await button(page, `Crash ${old.node}`).click();
    const crashed = nodeButton(page, old.node);
    assert.match(await crashed.getAttribute('aria-label'), new RegExp(`^${old.node}: crashed, term ${old.term}`));
    // The inspector shows what the crash kept (the disk) apart from what it lost.
    const inspector = page.getByRole('region', { name: 'Inspector' });
    const disk = inspector.locator('h4', { hasText: 'Persistent (kept on disk through a crash)' });
    await disk.waitFor();
    const kept = await inspector.locator('h4 + dl').first().textContent();
    assert.match(kept, new RegExp(`term\\D*${old.term}`, 'i'), `the disk keeps term ${old.term}: ${kept}`);
    assert.match(await inspector.textContent(), /Volatile \(lost in a crash\)/);
    const next = await leader(page, { not: old.node, above: old.term });
    assert.ok(next.term > old.term, `new term ${next.term} > ${old.term}`);
    assert.equal(await nodeFigure(page, old.node).getAttribute('data-role'), 'crashed');
    assert.equal(await crashed.locator('.node-letter').textContent(), '✕');
    // Its log row is still there, greyed, with its entries.
    const row = page.locator(`[data-testid="log-row"][data-node="${old.node}"]`);
    assert.ok((await row.locator('.log-cell').count()) >= 1, 'a crashed node still shows its log');
    app.assertClean();
    await app.context.close();
  });

  test('a deposed leader reading without a check is caught stale; ReadIndex is not', T, async () => {
    const app = await openApp(lab, '/?speed=1', { contextOptions: { viewport: { width: 1920, height: 1080 } } });
    const { page } = app;
    const old = await leader(page);
    await page.getByRole('textbox', { name: 'Key', exact: true }).fill('x');
    await page.getByRole('textbox', { name: 'Value', exact: true }).fill('1');
    await button(page, 'Write').click();
    await result(page, /#0 set x=1 via N\d — done/);

    await button(page, 'Isolate the leader').click();
    const next = await leader(page, { not: old.node, above: old.term });
    await page.getByRole('combobox', { name: 'Send to' }).selectOption('leader');
    await page.getByRole('textbox', { name: 'Value', exact: true }).fill('2');
    await button(page, 'Write').click();
    await result(page, new RegExp(`#1 set x=2 via ${next.node} — done`));

    await page.getByRole('combobox', { name: 'Read mode' }).selectOption({ label: 'Leader without check' });
    await page.getByRole('combobox', { name: 'Read from' }).selectOption({ label: old.node });
    await button(page, 'Read').click();
    // Wait for the answer, not the row: it first shows as waiting.
    const stale = await result(page, /#2 read x \(Leader without check\) via N\d — (returned|refused)/);
    assert.match(stale, new RegExp(`#2 read x \\(Leader without check\\) via ${old.node} — returned x = 1`));
    assert.match(stale, /stale/);
    assert.match(stale, /it missed #1 set x=2/);
    assert.equal(await page.getByRole('alert').count(), 0, 'an unsafe mode breaks no promise: no alert');
    // The event log's search reads its lines as they are shown, verdict included.
    const search = page.getByRole('searchbox', { name: 'Search the event log' });
    await search.fill('stale: it missed');
    await untilFrame(
      page,
      'the search to find the stale read',
      () => [...document.querySelectorAll('.log-line')].some((l) => l.textContent.includes('stale: it missed #1')),
      null,
      20_000,
    );
    await search.fill('');

    await page.getByRole('combobox', { name: 'Read mode' }).selectOption({ label: 'ReadIndex' });
    await button(page, 'Read').click();
    // The cut-off leader cannot confirm it leads: the client retries with
    // another node, and the line says where the read was sent first.
    const safe = await result(page, /#3 read x \(ReadIndex\) (via N\d|sent to N\d, answered by N\d) — (returned|refused)/);
    assert.doesNotMatch(safe, /stale/);
    assert.match(safe, /returned x = 2|refused/);
    await button(page, 'Pause').click();
    await saveScreenshot(page, 'live-stale-read-1920x1080.png', { fullPage: true });
    app.assertClean();
    await app.context.close();
  });

  test('add a node: it joins as a learner, catches up and becomes a voter', T, async () => {
    const app = await openApp(lab, '/');
    const { page } = app;
    await leader(page);
    const config = page.getByRole('status', { name: 'Configuration' });
    assert.match(await config.textContent(), /voters N1, N2, N3, N4, N5;/);
    // A new leader takes changes only once it has committed in its term.
    await untilFrame(page, 'a committed entry', () => document.querySelector('.log-cell.committed'), null, 10_000);
    await button(page, 'Add a node').click();
    assert.match(await page.getByTestId('membership-status').textContent(), /^✓ Adding N6/);
    const learner = await untilFrame(
      page,
      'N6 as a learner',
      () => {
        const n = document.querySelector('[data-testid="node"][data-node="N6"]');
        const c = document.querySelector('[data-testid="configuration"]').textContent;
        return n.dataset.role === 'learner' && /learners: N6/.test(c) && c;
      },
      null,
      20_000,
    );
    assert.match(learner, /voters N1, N2, N3, N4, N5;/);
    await untilFrame(
      page,
      'N6 as a voter',
      () => /voters N1, N2, N3, N4, N5, N6;/.test(document.querySelector('[data-testid="configuration"]').textContent),
      null,
      30_000,
    );
    await untilFrame(
      page,
      'N6 drawn as a voter',
      () => /^(follower|candidate|pre-candidate|leader)$/.test(document.querySelector('[data-node="N6"]').dataset.role),
      null,
      10_000,
    );
    app.assertClean();
    await app.context.close();
  });

  test('fixed-timeouts: after the leader crashes, terms climb and nobody wins', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    const old = await leader(page);
    await openGroup(page, 'Teaching faults');
    await page.getByRole('checkbox', { name: 'fixed-timeouts' }).check();
    assert.match(await page.getByTestId('fault-marker').textContent(), /Teaching fault on: fixed-timeouts/);
    await sleep(500);
    await selectNode(page, old.node);
    await button(page, `Crash ${old.node}`).click();
    const frames = await page.evaluate(() =>
      window.__probe.everyFrame(
        () =>
          [...document.querySelectorAll('[data-testid="node"]')].map((n) => ({
            role: n.dataset.role,
            term: Number(n.dataset.term),
          })),
        4000,
      ),
    );
    const leaders = frames.filter((f) => f.some((n) => n.role === 'leader')).length;
    const last = Math.max(...frames.at(-1).map((n) => n.term));
    assert.equal(leaders, 0, 'no frame shows a leader');
    assert.ok(last >= old.term + 5, `terms climb: from ${old.term} to ${last}`);
    app.assertClean();
    await app.context.close();
  });

  test('drop a message in flight', T, async () => {
    const app = await openApp(lab, '/');
    const { page } = app;
    await leader(page);
    // Pause from inside the page in the frame a message is mid-flight.
    await untilFrame(
      page,
      'a message in flight',
      () => {
        if (!window.__probe.offsets().some((m) => m.offset < 0.3 * m.link)) return false;
        document.querySelector('[data-testid="play-pause"]').click();
        return true;
      },
      null,
      20_000,
    );
    const paused = await simMillis(page);
    const name = await page.getByTestId('message').first().getByRole('button').getAttribute('aria-label');
    assert.match(name, /^(Heartbeat|AppendEntries|AppendResponse|Vote|RequestVote|PreVote).* N\d → N\d$/);
    const same = page.getByRole('button', { name, exact: true });
    const before = await same.count();
    await same.first().focus();
    await page.keyboard.press('Enter');
    const inspector = page.getByRole('region', { name: 'Inspector' });
    await inspector.getByRole('heading', { name, exact: true }).waitFor();
    await button(page, 'Drop message').click();
    assert.match(await page.getByTestId('inspector-status').textContent(), /Dropped/);
    assert.equal(await same.count(), before - 1, 'the message is gone from the drawing');
    // The drop itself is one step, 1 µs after the pause.
    assert.ok((await simMillis(page)) - paused <= 0.002, 'while time stood still: it was dropped, not delivered');
    assert.match(await page.getByTestId('message-whereabouts').textContent(), /^No longer in flight: it was dropped/);
    assert.ok(await button(page, 'Drop message').isDisabled(), 'nothing left to drop');
    // The inspector says where the message is at the cursor, wherever time travel takes it.
    await button(page, 'Go to start').click();
    assert.match(await page.getByTestId('message-whereabouts').textContent(), /^Not sent yet/);
    assert.ok(await button(page, 'Drop message').isDisabled());
    // Long after it would have arrived, it still says it was dropped.
    await button(page, 'Go to live').click();
    await button(page, 'Play').click();
    await page.waitForFunction((t) => Number(document.querySelector('[data-testid="sim-time"]').textContent.replace(/[^\d.]/g, '')) > t + 100, paused);
    await button(page, 'Pause').click();
    assert.match(await page.getByTestId('message-whereabouts').textContent(), /^No longer in flight: it was dropped/);
    app.assertClean();
    await app.context.close();
  });

  test('volatile-vote: a restarted node forgets its term, and the alert names the broken rule', T, async () => {
    // The same steps without the fault break nothing: the alert is the fault's doing.
    for (const fault of [false, true]) {
      const app = await openApp(lab, '/?speed=1', { contextOptions: { viewport: { width: 1920, height: 1080 } } });
      const { page } = app;
      const l = await leader(page);
      const f = l.node === 'N2' ? 'N3' : 'N2';
      if (fault) {
        await openGroup(page, 'Teaching faults');
        await page.getByRole('checkbox', { name: 'volatile-vote' }).check();
      }
      await button(page, 'Pause').click();
      await selectNode(page, f);
      await button(page, `Time out ${f}`).click();
      await button(page, `Crash ${f}`).click();
      await button(page, `Restart ${f}`).click();
      const alert = page.getByRole('alert');
      if (!fault) {
        await sleep(300);
        assert.equal(await alert.count(), 0, 'no alert without the fault');
        app.assertClean();
        await app.context.close();
        continue;
      }
      await alert.waitFor({ timeout: 5_000 });
      const text = await alert.textContent();
      assert.match(text, /^Monotonic terms broken/);
      await assertPausedOnTheBreakingStep(page, text);
      assert.match(text, new RegExp(`${f} restarted in term \\d+ after having reached term \\d+`));
      assert.match(await nodeFigure(page, f).getAttribute('class'), /implicated/);
      assert.ok(await button(page, 'Play').isVisible(), 'playback is paused');
      await saveScreenshot(page, 'live-violation-1920x1080.png');
      app.assertClean();
      await app.context.close();
    }
  });

  test('volatile-vote: a node that forgot its vote elects a second leader in the same term (Election Safety)', T, async () => {
    const app = await openApp(lab, '/?speed=1', { contextOptions: { viewport: { width: 1920, height: 1080 } } });
    const { page } = app;
    const l = await leader(page);
    await openGroup(page, 'Teaching faults');
    await page.getByRole('checkbox', { name: 'volatile-vote' }).check();
    // As in the lesson: without leader stickiness the operator's election
    // goes through at once, while the others still remember the leader.
    await openGroup(page, 'Protocol settings');
    await page.getByRole('checkbox', { name: 'Leader stickiness' }).uncheck();
    await button(page, 'Pause').click();
    const [a, b, c] = ['N1', 'N2', 'N3', 'N4', 'N5'].filter((n) => n !== l.node);
    const cut = async (from, to) => {
      const [x, y] = [from, to].sort();
      await page.getByRole('button', { name: new RegExp(`^Link ${x} – ${y}`) }).focus();
      await page.keyboard.press('Enter');
      await button(page, `Cut ${from} → ${to}`).click();
    };
    const stepUntil = async (what, check) => {
      for (let i = 0; i < 400; i++) {
        if (await page.evaluate(check)) return;
        await button(page, 'Step forward').click();
      }
      assert.fail(`${what}: not reached in 400 steps`);
    };
    await selectNode(page, l.node);
    await button(page, `Crash ${l.node}`).click();
    await cut(a, b);
    await selectNode(page, a);
    await button(page, `Time out ${a}`).click();
    // c votes for a; then c crashes and restarts, forgetting that vote,
    // and a's messages no longer reach c or the old leader.
    await stepUntil(`${c} votes for ${a}`, new Function(`return document.querySelector('[data-node="${c}"] [role=button]').getAttribute('aria-label').includes('voted for ${a}')`));
    await cut(a, c);
    await selectNode(page, c);
    await button(page, `Crash ${c}`).click();
    await button(page, `Restart ${c}`).click();
    await cut(a, l.node);
    await stepUntil(`${a} leads`, new Function(`return document.querySelector('[data-node="${a}"]').dataset.role === 'leader'`));
    const term = Number(await nodeFigure(page, a).getAttribute('data-term'));
    await selectNode(page, l.node);
    await button(page, `Restart ${l.node}`).click();
    await selectNode(page, b);
    await button(page, `Time out ${b}`).click();
    // Fast, so that a frame runs dozens of steps: playback must still stop
    // on the one that breaks the rule.
    await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '10×' });
    await button(page, 'Play').click();
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'Election Safety broken' }).waitFor({ timeout: 10_000 });
    await assertPausedOnTheBreakingStep(page, await alert.textContent());
    assert.equal(await nodeFigure(page, b).getAttribute('data-role'), 'leader');
    assert.equal(Number(await nodeFigure(page, b).getAttribute('data-term')), term, 'a second leader in the same term');
    assert.equal(
      await page.getByTestId('leader-status').textContent(),
      `Two leaders of term ${term}: ${[a, b].sort().join(' and ')}`,
      'the line under the cluster names both',
    );
    assert.ok(await button(page, 'Play').isVisible(), 'playback paused at the violation');
    for (const n of [a, b]) assert.match(await nodeFigure(page, n).getAttribute('class'), /implicated/);
    assert.ok(await alert.isVisible(), 'the alert stays in view');
    await page.evaluate(() => window.scrollTo(0, 0));
    await saveScreenshot(page, 'live-election-safety-1920x1080.png');
    app.assertClean();
    await app.context.close();
  });

  test('a link is cut one way, then both ways, then restored, from the inspector', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    await leader(page);
    await button(page, 'Pause').click();
    const link = page.getByRole('button', { name: /^Link N1 – N2/ });
    assert.equal(await link.getAttribute('aria-label'), 'Link N1 – N2 (open)');
    await link.focus();
    await page.keyboard.press('Enter');
    await button(page, 'Cut N1 → N2').click();
    assert.equal(await link.getAttribute('aria-label'), 'Link N1 – N2 (cut N1 → N2)');
    assert.match(await link.getAttribute('class'), /link-oneway/);
    assert.equal(await link.locator('[marker-end]').count(), 1, 'a one-way cut is drawn with its direction');
    await button(page, 'Cut both ways N1 – N2').click();
    assert.equal(await link.getAttribute('aria-label'), 'Link N1 – N2 (cut both ways)');
    assert.match(await page.getByTestId('network-status').textContent(), /1 link cut/);
    await button(page, 'Restore N1 – N2').click();
    assert.equal(await link.getAttribute('aria-label'), 'Link N1 – N2 (open)');
    await button(page, 'Split the cluster').click();
    assert.match(await page.getByTestId('network-status').textContent(), /^Partitioned: \{N1, N2\} \| \{N3, N4, N5, N6, N7\}$/);
    // Isolating a node inside the split keeps the split.
    await selectNode(page, 'N4');
    await button(page, 'Isolate N4').click();
    assert.match(await page.getByTestId('network-status').textContent(), /^Partitioned: \{N1, N2\} \| \{N3, N5, N6, N7\} \| \{N4\}$/);
    await button(page, 'Heal the network').click();
    assert.equal(await page.getByTestId('network-status').textContent(), 'Network whole');
    app.assertClean();
    await app.context.close();
  });

  test('changing the cluster size starts a new session of that size', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    await leader(page);
    // Menus pointing at N7, which the smaller cluster will not have.
    const sendTo = page.getByRole('combobox', { name: 'Send to' });
    const stepsAt = page.getByRole('combobox', { name: 'Steps at' });
    await sendTo.selectOption({ label: 'N7' });
    await stepsAt.selectOption({ label: 'N7' });
    await openGroup(page, 'Protocol settings');
    const timeoutMin = page.getByRole('textbox', { name: 'Election timeout min (ms)' });
    await timeoutMin.fill('200');
    await button(page, 'Apply timing').click();
    assert.equal(await page.getByTestId('settings-status').textContent(), '✓ Timing changed on every node');
    await page.getByRole('combobox', { name: 'Cluster size' }).selectOption({ label: '3 nodes' });
    await untilFrame(page, 'five nodes drawn', () => document.querySelectorAll('[data-testid="node"]').length === 5, null, 5_000);
    assert.match(await page.getByRole('status', { name: 'Configuration' }).textContent(), /voters N1, N2, N3;/);
    assert.ok((await simMillis(page)) < 1000, 'time starts again');
    await leader(page);
    // The menus show what they do: back to the leader and to every node.
    const chosen = (select) => select.evaluate((s) => s.selectedOptions[0].textContent);
    // "the leader" names the node it means now.
    const leaderNow = await page.locator('[data-testid="node"][data-role="leader"]').getAttribute('data-node');
    assert.equal(await chosen(sendTo), `the leader (now ${leaderNow})`);
    assert.equal(await chosen(stepsAt), 'every node');
    assert.equal(await timeoutMin.inputValue(), '150', 'the timing fields show the new session\'s timing');
    await button(page, 'Write').click();
    assert.match(await page.getByTestId('write-status').textContent(), /^✓ Sent set x=1 to N[123]: see Client results/);
    assert.doesNotMatch(await page.locator('.event-log .count').textContent(), /^0 lines/);
    app.assertClean();
    await app.context.close();
  });

  test('increment, compare-and-set and delete through a chosen node, then a steady workload', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    const l = await leader(page);
    const follower = l.node === 'N1' ? 'N2' : 'N1';
    const op = page.getByRole('combobox', { name: 'Operation' });
    const value = page.getByRole('textbox', { name: 'Value', exact: true });
    await page.getByRole('combobox', { name: 'Send to' }).selectOption({ label: follower });
    await op.selectOption({ label: 'increment' });
    await value.fill('5');
    await button(page, 'Write').click();
    // Sent to a follower, it is redirected to the leader, which answers.
    await result(page, new RegExp(`#0 incr x by 5 sent to ${follower}, answered by ${l.node} — done at .*: now x = 5`));
    await op.selectOption({ label: 'compare-and-set' });
    await page.getByRole('textbox', { name: 'Expected value' }).fill('4');
    await value.fill('9');
    await button(page, 'Write').click();
    await result(page, new RegExp(`#1 cas x 4→9 sent to ${follower}, answered by ${l.node} — not done \\(the comparison failed\\).*now x = 5`));
    await page.getByRole('textbox', { name: 'Expected value' }).fill('5');
    await button(page, 'Write').click();
    await result(page, new RegExp(`#2 cas x 5→9 sent to ${follower}, answered by ${l.node} — done .*now x = 9`));
    await op.selectOption({ label: 'delete' });
    await button(page, 'Write').click();
    await result(page, new RegExp(`#3 delete x sent to ${follower}, answered by ${l.node} — done .*now x is absent`));
    const row = page.locator(`[data-testid="log-row"][data-node="${l.node}"]`);
    await row.locator('.log-cell', { hasText: 'del x' }).waitFor();
    await page.getByRole('checkbox', { name: 'Workload' }).check();
    await untilFrame(page, 'workload results', () => document.querySelectorAll('[data-testid="client-results"] li').length >= 12, null, 15_000);
    await page.getByRole('checkbox', { name: 'Workload' }).uncheck();
    app.assertClean();
    await app.context.close();
  });

  test('Remove N3 from the cluster: the others keep one leader and its term for ten seconds; N3 is drawn removed', T, async () => {
    // Reference: §6. With the default settings (leader stickiness on), a
    // removed server cannot depose the leader by asking for votes.
    const app = await openApp(lab, '/?speed=2');
    const { page } = app;
    await openGroup(page, 'Protocol settings');
    assert.equal(await page.getByRole('checkbox', { name: 'Leader stickiness' }).isChecked(), true, 'on by default');
    const first = await leader(page);
    await untilFrame(page, 'a committed entry', () => document.querySelector('.log-cell.committed'), null, 10_000);
    const gone = first.node === 'N3' ? 'N2' : 'N3';
    await selectNode(page, gone);
    await button(page, `Remove ${gone} from the cluster`).click();
    assert.match(await page.getByTestId('inspector-status').textContent(), /^✓/);
    await untilFrame(
      page,
      `${gone} out of the committed configuration`,
      (gone) => {
        const c = document.querySelector('[data-testid="configuration"]').textContent;
        return /^Configuration committed: voters/.test(c) && !new RegExp(`voters[^;]*${gone}`).test(c);
      },
      gone,
      10_000,
    );
    const t0 = await simMillis(page);
    const seen = [];
    while ((await simMillis(page)) < t0 + 10_000) {
      seen.push(
        await page.evaluate(() =>
          [...document.querySelectorAll('[data-testid="node"][data-role="leader"]')].map((e) => `${e.dataset.node} term ${e.dataset.term}`),
        ),
      );
      await sleep(200);
    }
    assert.ok(seen.length >= 20, `sampled the ten seconds (${seen.length} samples)`);
    for (const leaders of seen) {
      assert.deepEqual(leaders, [`${first.node} term ${first.term}`], 'one leader, its term unchanged');
    }
    assert.match(await nodeButton(page, gone).getAttribute('aria-label'), new RegExp(`^${gone}: removed, term`));
    assert.equal(await nodeFigure(page, gone).getAttribute('data-role'), 'removed');
    await nodeFigure(page, gone).scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'removed-server.png');
    app.assertClean();
    await app.context.close();
  });

  test('a joint-consensus change goes through C_old,new to the new voters', T, async () => {
    const app = await openApp(lab, '/');
    const { page } = app;
    await leader(page);
    await untilFrame(page, 'a committed entry', () => document.querySelector('.log-cell.committed'), null, 10_000);
    await page.getByRole('checkbox', { name: 'Voter N4' }).uncheck();
    await page.getByRole('checkbox', { name: 'Voter N5' }).uncheck();
    await button(page, 'Change membership').click();
    assert.match(await page.getByTestId('membership-status').textContent(), /^✓ Changing to voters N1, N2, N3/);
    await untilFrame(
      page,
      'C_old,new',
      () => /C_old,new.*C_old voters N1, N2, N3, N4, N5 and C_new voters N1, N2, N3/.test(document.querySelector('[data-testid="configuration"]').textContent),
      null,
      10_000,
    );
    await untilFrame(
      page,
      'C_new committed',
      () => /^Configuration committed: voters N1, N2, N3;/.test(document.querySelector('[data-testid="configuration"]').textContent),
      null,
      20_000,
    );
    // A choice being made survives the configuration changing meanwhile
    // (a server joins as a learner).
    await page.getByRole('checkbox', { name: 'Voter N3' }).uncheck();
    // (N4 and N5, removed, may be disrupting elections: ask while a leader is there.)
    for (let tries = 0; tries < 20; tries++) {
      await leader(page);
      await button(page, 'Add a node').click();
      if (/^✓/.test(await page.getByTestId('membership-status').textContent())) break;
    }
    await untilFrame(page, 'N4 to join as a learner', () => /N4/.test(document.querySelector('[data-testid="configuration"]').textContent), null, 10_000);
    assert.equal(await page.getByRole('checkbox', { name: 'Voter N3' }).isChecked(), false, 'the unticked box stays unticked');
    // ...and the voters changing too (the learner is promoted).
    await untilFrame(page, 'N4 to be promoted', () => /voters N1, N2, N3, N4;/.test(document.querySelector('[data-testid="configuration"]').textContent), null, 20_000);
    const ticked = async (n) => page.getByRole('checkbox', { name: `Voter ${n}` }).isChecked();
    assert.deepEqual([await ticked('N1'), await ticked('N2'), await ticked('N3'), await ticked('N4')], [true, true, false, false], 'the choice is still N1 and N2');
    app.assertClean();
    await app.context.close();
  });

  test('bad input is refused next to its control and changes nothing', T, async () => {
    const app = await openApp(lab, '/?speed=1');
    const { page } = app;
    await leader(page);
    await page.getByRole('textbox', { name: 'Key', exact: true }).fill('');
    await button(page, 'Write').click();
    assert.equal(await page.getByTestId('write-status').textContent(), 'Enter a key');
    assert.doesNotMatch(await page.getByTestId('write-status').getAttribute('class'), /done/, 'a refusal is not styled as done');
    await page.getByRole('textbox', { name: 'Key', exact: true }).fill('x');
    await page.getByRole('combobox', { name: 'Operation' }).selectOption({ label: 'increment' });
    await page.getByRole('textbox', { name: 'Value', exact: true }).fill('two');
    await button(page, 'Write').click();
    assert.match(await page.getByTestId('write-status').textContent(), /must be a whole number, not “two”/);
    assert.equal(await results(page).getByRole('listitem').count(), 0, 'no operation was sent');
    // A change the leader refuses: removing a node that is not a member.
    await selectNode(page, 'N7');
    await button(page, 'Remove N7 from the cluster').click();
    assert.match(await page.getByTestId('inspector-status').textContent(), /N7 is not a member/);
    assert.match(await page.getByRole('status', { name: 'Configuration' }).textContent(), /voters N1, N2, N3, N4, N5;/);
    app.assertClean();
    await app.context.close();
  });

  test('keyboard: Tab reaches the controls with a visible focus; Space plays and pauses; "." steps', T, async () => {
    const app = await openApp(lab, '/');
    const { page } = app;
    await page.getByTestId('node').first().waitFor();
    await page.keyboard.press('Space');
    assert.equal(await page.getByTestId('play-pause').getAttribute('aria-label'), 'Play', 'Space paused');
    const steps = async () => Number((await page.getByTestId('steps').textContent()).replace(/\D/g, ''));
    const s0 = await steps();
    const t0 = await simMillis(page);
    await page.keyboard.press('.');
    assert.equal(await steps(), s0 + 1, '"." ran exactly one event');
    assert.ok((await simMillis(page)) >= t0);
    const reached = new Set();
    let visible = true;
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Tab');
      const info = await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {
          name: el.getAttribute('aria-label') || el.textContent.trim().slice(0, 40),
          tag: el.tagName,
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        };
      });
      reached.add(info.name);
      if (info.tag === 'BUTTON' && !info.outline) visible = false;
    }
    for (const name of ['Play', 'Step forward', 'Write', 'Read']) {
      assert.ok([...reached].some((n) => n.startsWith(name)), `Tab reaches ${name}: ${[...reached].join(' | ')}`);
    }
    assert.ok([...reached].some((n) => /^N1:/.test(n)), 'Tab reaches the nodes');
    assert.ok(visible, 'every focused button shows a focus ring');
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press('Space');
    assert.equal(await page.getByTestId('play-pause').getAttribute('aria-label'), 'Pause', 'Space plays again');
    app.assertClean();
    await app.context.close();
  });

  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ]) {
    test(`screenshot at ${width}×${height}: node labels do not overlap`, T, async () => {
      const app = await openApp(lab, '/?speed=1', { contextOptions: { viewport: { width, height } } });
      const { page } = app;
      const l = await leader(page);
      await page.getByRole('textbox', { name: 'Value', exact: true }).fill('7');
      await button(page, 'Write').click();
      await result(page, /done/);
      await selectNode(page, l.node === 'N1' ? 'N2' : 'N1');
      await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '1/10×' });
      await sleep(1500);
      await button(page, 'Pause').click();
      const overlaps = await page.evaluate(() => {
        const boxes = [...document.querySelectorAll('[data-testid="node"]')].flatMap((n) =>
          [...n.querySelectorAll('.node-labels text, .node-body')].map((t) => ({ node: n.dataset.node, r: t.getBoundingClientRect() })),
        );
        const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const found = [];
        for (const a of boxes) for (const b of boxes) if (a.node < b.node && a.r.width && b.r.width && hit(a.r, b.r)) found.push(`${a.node}/${b.node}`);
        return found;
      });
      assert.deepEqual(overlaps, [], 'labels of different nodes overlap');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
      await saveScreenshot(page, `live-${width}x${height}.png`);
      app.assertClean();
      await app.context.close();
    });
  }
});
