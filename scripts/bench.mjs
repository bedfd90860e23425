#!/usr/bin/env node
// The browser half of the benchmark (scripts/bench.sh runs it after the
// native half and a release build; on demand, never in CI):
//   node scripts/bench.mjs [HISTORY_MINUTES]     (default 60)
// Prints `key: value` lines that bench.sh turns into the table in docs/BENCHMARKS.md:
//   - what the first load transfers, per file, and its gzip -9 size;
//   - time from navigation to the first frame and to the first leader, on
//     loopback and over a throttled network (10 Mbit/s, 40 ms round trip);
//   - the simulation's speed in wasm (?selftest=speed);
//   - 5 nodes playing at the default speed, the page as it opens at
//     1920x1080 (the swimlane starts just below the fold), then with the
//     swimlane scrolled into view: main thread busy % (DevTools
//     Performance.getMetrics TaskDuration) and requestAnimationFrame frame
//     times;
//   - 9 nodes after HISTORY_MINUTES of history built in the page: frame
//     times while playing, seek and step-back latency (seeks also with the
//     swimlane in view), JS heap + wasm memory;
//   - the timeline's frame times while zooming and panning that history;
//   - where a step back's and a seek's main-thread time goes (a DevTools
//     timeline trace of 20 step backs and 10 seeks, per action).
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../tests/e2e/browser.mjs';
import { startServer } from '../tests/e2e/server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.resolve(ROOT, process.env.RAFTLAB_DIST || 'dist');
const minutes = Number(process.argv[2] || 60);
if (!existsSync(path.join(DIST, 'index.html'))) {
  console.error('dist/ is missing: run ./scripts/bench.sh (it builds first)');
  process.exit(2);
}

const errors = [];
/** Every figure, by key, for the table at the end. */
const figures = {};
const say = (key, value, number) => {
  console.log(`${key}: ${value}`);
  if (number !== undefined) figures[key] = number;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(((s.length - 1) * p) / 100))];
};
const ms = (x) => x.toFixed(1);
const frameLine = (frames) =>
  `p50 ${ms(pct(frames, 50))} ms, p95 ${ms(pct(frames, 95))} ms, max ${ms(pct(frames, 100))} ms, ${frames.filter((f) => f > 20).length} of ${frames.length} frames over 20 ms`;

/** A fresh page that records console errors and marks when a leader first shows. */
async function open(browser, viewport = { width: 1920, height: 1080 }) {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid="node"][data-role="leader"]')) {
        window.__firstLeader = performance.now();
        observer.disconnect();
      }
      if (!window.__firstFrame && document.querySelector('[data-testid="node"]')) window.__firstFrame = performance.now();
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page };
}

/** Records frame times from requestAnimationFrame until `stopFrames()`. */
const startFrames = (page) =>
  page.evaluate(() => {
    window.__frames = [];
    window.__stopFrames = false;
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
const stopFrames = (page) =>
  page.evaluate(() => {
    window.__stopFrames = true;
    return window.__frames.slice(1);
  });

/** Main-thread busy share and frame times over `seconds` of whatever the page is doing. */
async function watch(page, seconds) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (n) => metrics.find((m) => m.name === n).value;
    return { task: get('TaskDuration'), at: get('Timestamp') };
  };
  await startFrames(page);
  const a = await metric();
  await page.waitForTimeout(seconds * 1000);
  const b = await metric();
  const frames = await stopFrames(page);
  await cdp.detach();
  return { busy: (100 * (b.task - a.task)) / (b.at - a.at), frames };
}

/** Milliseconds from `act()` (run in the page) until the DOM has settled (a macrotask later). */
const settleTime = (page, act, arg) =>
  page.evaluate(
    async ([source, arg]) => {
      const act = new Function('arg', source);
      const t0 = performance.now();
      act(arg);
      await new Promise((ok) => setTimeout(ok, 0));
      return performance.now() - t0;
    },
    [act, arg],
  );

/** Main-thread work by kind, per action, over `n` actions `act(i)` traced. */
async function profile(browser, page, label, n, act) {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  for (let i = 0; i < n; i++) {
    await act(i);
    await page.waitForTimeout(100);
  }
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const kinds = {
    'input and script (wasm, effects)': ['EventDispatch', 'RunMicrotasks', 'TimerFire', 'FireAnimationFrame'],
    'parse (innerHTML)': ['ParseHTML'],
    style: ['UpdateLayoutTree'],
    layout: ['Layout'],
    'paint (record)': ['PrePaint', 'Paint'],
    'layers and commit': ['Layerize', 'Commit'],
    'garbage collection': ['MinorGC', 'MajorGC'],
  };
  const sum = {};
  // Only outermost events of each kind, so nested ones are not counted twice.
  const open = {};
  for (const e of events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur).sort((a, b) => a.ts - b.ts)) {
    const kind = Object.keys(kinds).find((k) => kinds[k].includes(e.name));
    if (!kind || (open[kind] !== undefined && e.ts < open[kind])) continue;
    open[kind] = e.ts + e.dur;
    sum[kind] = (sum[kind] || 0) + e.dur / 1000 / n;
  }
  const total = Object.values(sum).reduce((a, b) => a + b, 0);
  say(`profile_${label}`, `${ms(total)} ms of main-thread work per action: ` + Object.entries(sum).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${ms(v)}`).join(', '));
}

/**
 * The table of every target: the figure, the target and whether it is met.
 * The native simulation's line comes from examples/sim_speed.rs, run by
 * bench.sh first (its output file in BENCH_NATIVE), and the model's own
 * size from scripts/wasm-size.mjs (its output in BENCH_SIZE).
 */
function printTable() {
  const native = process.env.BENCH_NATIVE && existsSync(process.env.BENCH_NATIVE)
    ? Object.fromEntries(
        readFileSync(process.env.BENCH_NATIVE, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('nodes='))
          .map((l) => [l.match(/nodes=(\d+)/)[1], Number(l.match(/sim_per_wall=(\d+)/)[1])]),
      )
    : {};
  const floor = process.env.BENCH_SIZE && existsSync(process.env.BENCH_SIZE)
    ? Number(readFileSync(process.env.BENCH_SIZE, 'utf8').match(/floor_gzip: \d+ bytes, (\d+) bytes gzip/)?.[1])
    : undefined;
  // A frame is on time at the 60 Hz period: requestAnimationFrame's stamps
  // put every frame at 16.7 ms give or take a tenth, and a late one at 33.3.
  const onTime = (p95) => p95 !== undefined && p95 < 17;
  const f = (x, digits = 1) => (x === undefined || Number.isNaN(x) ? 'not measured' : x.toFixed(digits));
  const rows = [
    ['Simulation, native, 5 nodes, steady workload, every checker (sim s per wall s)', f(native[5], 0), '>= 10,000', native[5] >= 10_000],
    ['Simulation, native, 9 nodes (sim s per wall s)', f(native[9], 0), '', undefined],
    ['Simulation, wasm in Chromium, 5 nodes (sim s per wall s)', f(figures.wasm_sim_5, 0), '>= 1,000', figures.wasm_sim_5 >= 1_000],
    ['Simulation, wasm in Chromium, 9 nodes (sim s per wall s)', f(figures.wasm_sim_9, 0), '', undefined],
    ['First load, gzip -9, every file transferred (KB)', f(figures.load_total / 1000), '<= 500', figures.load_total <= 500_000],
    ['  of it, the least possible: the model alone, nothing drawn (wasm, gzip KB)', f(floor / 1000), '', undefined],
    ['Playing 5 nodes at the default speed, the page as it opens at 1920x1080: main thread busy (%)', f(figures.play5_busy_percent), '<= 15', figures.play5_busy_percent <= 15],
    ['  the same: frame time p95 (ms)', f(figures.play5_frames), '<= 16.7', onTime(figures.play5_frames)],
    ['  the same with the swimlane scrolled into view: main thread busy (%)', f(figures.play5_in_view_busy_percent), '', undefined],
    [`Playing 9 nodes after ${minutes} min of history: frame time p95 (ms)`, f(figures.play9_history_frames), '<= 16.7', onTime(figures.play9_history_frames)],
    ['  the same: main thread busy (%)', f(figures.play9_history_busy_percent), '', undefined],
    [`Zooming and panning ${minutes} min of history: frame time p95 (ms)`, f(figures.timeline_gestures_frames), '<= 16.7', onTime(figures.timeline_gestures_frames)],
    [`Seek to any point of ${minutes} min (9 nodes), slowest of 30 (ms)`, f(figures.seek_ms), '< 40', figures.seek_ms < 40],
    ['  the same with the swimlane scrolled into view (ms)', f(figures.seek_in_view_ms), '', undefined],
    ['One step back, slowest of 20 (ms)', f(figures.step_back_ms), '< 10', figures.step_back_ms < 10],
    [`Memory after ${minutes} min (9 nodes): JS heap + wasm (MB)`, f(figures.memory_mb), '< 100', figures.memory_mb < 100],
    ['First leader on screen after navigation, at 1x speed (ms)', f(figures.first_leader_ms_speed_1x, 0), '<= 1,000', figures.first_leader_ms_speed_1x <= 1_000],
    ['  the same over 10 Mbit/s with a 40 ms round trip (DevTools emulation) (ms)', f(figures.first_leader_ms_throttled, 0), '<= 1,500', figures.first_leader_ms_throttled <= 1_500],
    ['  at the default speed (1/10x, slowed on purpose to be watched) (ms)', f(figures.first_leader_ms_default_speed, 0), '', undefined],
    ['First frame with the cluster drawn (ms)', f(figures.first_frame_ms, 0), '', undefined],
  ];
  console.log('\n| figure | result | target | met |\n| --- | ---: | ---: | --- |');
  for (const [what, value, target, met] of rows) {
    console.log(`| ${what} | ${value} | ${target} | ${met === undefined ? '' : met ? 'yes' : 'NO'} |`);
  }
}

// Compressed, as a static host sends it (the load's figure is gzip -9).
const server = await startServer(DIST, { gzip: true });
const browser = await launchBrowser();
try {
  // 1. The first load, and time to the first leader (at 1x and at the default speed).
  for (const query of ['?speed=1', '']) {
    const { context, page } = await open(browser);
    const transferred = [];
    page.on('response', (res) => transferred.push(res.url()));
    await page.goto(`${server.origin}/${query}`);
    await page.waitForFunction(() => window.__firstLeader, null, { timeout: 60_000 });
    const { firstFrame, firstLeader } = await page.evaluate(() => ({ firstFrame: window.__firstFrame, firstLeader: window.__firstLeader }));
    if (query) {
      let total = 0;
      let raw = 0;
      for (const url of transferred) {
        const rel = decodeURIComponent(new URL(url).pathname).replace(/^\/+/, '') || 'index.html';
        const file = path.join(DIST, rel);
        if (!existsSync(file)) continue;
        const bytes = await readFile(file);
        const gz = gzipSync(bytes, { level: 9 }).length;
        total += gz;
        raw += bytes.length;
        say(`load_file ${rel}`, `${bytes.length} bytes, ${gz} gzip`);
      }
      say('load_total', `${raw} bytes, ${total} bytes gzip (${(total / 1024).toFixed(1)} KiB) in ${transferred.length} requests`, total);
      say('first_frame_ms', ms(firstFrame), firstFrame);
      say('first_leader_ms_speed_1x', ms(firstLeader), firstLeader);
    } else {
      say('first_leader_ms_default_speed', ms(firstLeader), firstLeader);
    }
    await context.close();
  }

  // 1b. The first leader over a slow network: DevTools' emulation of a
  // 10 Mbit/s link with a 40 ms round trip, nothing cached.
  {
    const { context, page } = await open(browser);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 40,
      downloadThroughput: 10e6 / 8,
      uploadThroughput: 10e6 / 8,
    });
    await page.goto(`${server.origin}/?speed=1`);
    await page.waitForFunction(() => window.__firstLeader, null, { timeout: 60_000 });
    const { firstFrame, firstLeader } = await page.evaluate(() => ({ firstFrame: window.__firstFrame, firstLeader: window.__firstLeader }));
    say('first_leader_ms_throttled', `${ms(firstLeader)} (first frame ${ms(firstFrame)})`, firstLeader);
    await cdp.detach();
    await context.close();
  }

  // 2. The simulation's speed in wasm.
  {
    const { context, page } = await open(browser);
    await page.goto(`${server.origin}/?selftest=speed`);
    const lines = await page.waitForFunction(() => window.raftlabSpeed, null, { timeout: 300_000 });
    for (const line of (await lines.jsonValue()).split('\n')) {
      const nodes = line.match(/nodes=(\d+)/)[1];
      say(`wasm_sim_${nodes}`, line, Number(line.match(/sim_per_wall=(\d+)/)[1]));
    }
    await context.close();
  }

  // 3. Five nodes playing at the default speed, the page as it opens.
  {
    const { context, page } = await open(browser);
    await page.goto(server.origin + '/');
    await page.waitForFunction(() => window.__firstLeader, null, { timeout: 60_000 });
    const { busy, frames } = await watch(page, 10);
    say('play5_busy_percent', busy.toFixed(1), busy);
    say('play5_frames', frameLine(frames), pct(frames, 95));
    // The swimlane starts just below the fold at this size and is not drawn
    // out of view; scrolled into view it is drawn 10 times a second.
    await page.locator('.lanes-box').scrollIntoViewIfNeeded();
    const inView = await watch(page, 10);
    say('play5_in_view_busy_percent', `${inView.busy.toFixed(1)} (frame p95 ${ms(pct(inView.frames, 95))} ms)`, inView.busy);
    await context.close();
  }

  // 4. Nine nodes after an hour (HISTORY_MINUTES) of history.
  {
    const { context, page } = await open(browser);
    const t0 = Date.now();
    await page.goto(`${server.origin}/?size=9&history=${minutes}&speed=1`);
    await page.getByTestId('building').waitFor({ state: 'detached', timeout: 3 * 60 * 60_000 });
    say('history', `${minutes} simulated minutes, 9 nodes, ${(await page.getByTestId('steps').textContent()).trim()}, built in the page in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const cdp = await context.newCDPSession(page);
    const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const wasm = await page.evaluate(() => window.raftlabMemory.buffer.byteLength);
    say('memory_mb', `${((heap + wasm) / 1e6).toFixed(1)} (JS heap ${(heap / 1e6).toFixed(1)} MB + wasm memory ${(wasm / 1e6).toFixed(1)} MB)`, (heap + wasm) / 1e6);
    await cdp.detach();

    const max = Number(await page.getByRole('slider', { name: 'Playhead' }).getAttribute('max'));
    // Each action once, as page source: timed by settleTime, traced by profile.
    const seekSource = `const s = document.querySelector('input[aria-label="Playhead"]'); s.value = String(arg); s.dispatchEvent(new Event('input', { bubbles: true }));`;
    const stepBackSource = `document.querySelector('button[aria-label="Step back"]').click();`;
    const perform = (source, arg) => page.evaluate(([source, arg]) => new Function('arg', source)(arg), [source, arg]);
    /** The i-th of 30 seek targets spread over the history. */
    const seekPoint = (i) => Math.floor((((i * 7919) % 30) / 30) * max + max / 60);
    const timeSeeks = async () => {
      const times = [];
      for (let i = 0; i < 30; i++) times.push(await settleTime(page, seekSource, seekPoint(i)));
      return times;
    };
    const seeks = await timeSeeks();
    say('seek_ms', `p50 ${ms(pct(seeks, 50))}, p95 ${ms(pct(seeks, 95))}, max ${ms(pct(seeks, 100))} over ${seeks.length} points spread over the history`, pct(seeks, 100));
    const backs = [];
    for (let i = 0; i < 20; i++) {
      backs.push(await settleTime(page, stepBackSource));
    }
    say('step_back_ms', `p50 ${ms(pct(backs, 50))}, p95 ${ms(pct(backs, 95))}, max ${ms(pct(backs, 100))} over ${backs.length} steps`, pct(backs, 100));
    // The same seeks with the swimlane scrolled into view: at this window
    // size it starts just below the fold, and a drawing out of view waits
    // until it is scrolled to (src/ui/on_screen.rs), so the figures above
    // leave its drawing out. Reported, not a target.
    await page.locator('.lanes-box').scrollIntoViewIfNeeded();
    const seeksInView = await timeSeeks();
    say('seek_in_view_ms', `p50 ${ms(pct(seeksInView, 50))}, p95 ${ms(pct(seeksInView, 95))}, max ${ms(pct(seeksInView, 100))} over ${seeksInView.length} points, swimlane in view`, pct(seeksInView, 100));
    await page.evaluate(() => window.scrollTo(0, 0));
    await profile(browser, page, 'step_back', 20, () => perform(stepBackSource));
    await profile(browser, page, 'seek', 10, (i) => perform(seekSource, seekPoint(i)));

    await page.getByRole('button', { name: 'Go to live', exact: true }).click();
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await page.waitForTimeout(1000);
    const playing = await watch(page, 10);
    say('play9_history_busy_percent', playing.busy.toFixed(1), playing.busy);
    say('play9_history_frames', frameLine(playing.frames), pct(playing.frames, 95));
    await page.getByRole('button', { name: 'Pause', exact: true }).click();

    // Zooming and panning the whole history.
    const lanes = page.locator('.lanes-box');
    await lanes.scrollIntoViewIfNeeded();
    const box = await lanes.boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await startFrames(page);
    await page.getByRole('button', { name: 'Whole history' }).click();
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 30; i++) {
      await page.mouse.wheel(0, -120);
      await page.waitForTimeout(16);
    }
    for (let i = 0; i < 10; i++) {
      await page.mouse.move(cx + 200, cy);
      await page.mouse.down();
      await page.mouse.move(cx - 200, cy, { steps: 12 });
      await page.mouse.up();
    }
    for (let i = 0; i < 30; i++) {
      await page.mouse.wheel(0, 120);
      await page.waitForTimeout(16);
    }
    const gestures = await stopFrames(page);
    say('timeline_gestures_frames', frameLine(gestures), pct(gestures, 95));
    await context.close();
  }
  if (errors.length) {
    console.error('console errors:', errors);
    process.exitCode = 1;
  }
  printTable();
} finally {
  await browser.close();
  await server.close();
}
