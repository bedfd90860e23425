#!/usr/bin/env node
// Proves that serving the lab and running the tests side by side do not
// interfere (issue 27), as a newcomer would do it: ./scripts/serve.sh in one
// terminal, the tests in another. scripts/test.sh runs this after the
// browser suite (so the release build's cargo artifacts are warm).
//
//   node scripts/serve-alongside.mjs
//
// 1. Starts ./scripts/serve.sh on a free loopback port and waits for its
//    first build; notes every file in dist/ (a digest of each).
// 2. Does what the test command does: builds into target/test-dist/,
//    compiles and runs native tests (writing to target/), and opens the
//    test build in a browser, saving a screenshot to test-artifacts/.
// 3. Checks trunk serve did not rebuild, dist/ is byte for byte the same,
//    the test build has no live-reload script, and the served lab still
//    works (a leader on screen, a trace opened with `Open a trace`, which
//    fetches the trace viewer from trunk serve; no console error;
//    screenshot).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../tests/e2e/browser.mjs';
import { startServer } from '../tests/e2e/server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const TEST_DIST = path.join(ROOT, 'target', 'test-dist');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const started = Date.now();
const since = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const fail = (why) => {
  console.error(`serve-alongside: FAILED: ${why}`);
  process.exitCode = 1;
};

/** A free loopback port. */
const freePort = () =>
  new Promise((ok, no) => {
    const probe = net.createServer();
    probe.once('error', no);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });

/** Every file under `dir` with a digest of its bytes. */
function digests(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const file = path.join(d, name);
      if (statSync(file).isDirectory()) walk(file);
      else out.set(path.relative(dir, file), createHash('sha256').update(readFileSync(file)).digest('hex'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Trunk's build lines in its log so far (it prints one per build started). */
const builds = (log) => (log.match(/starting build/g) || []).length;

/** Runs `command` in the repository (like a terminal would), failing on a non-zero exit. */
function run(command) {
  console.log(`serve-alongside: [${since()}] $ ${command}`);
  const out = spawnSync('bash', ['-c', command], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`\`${command}\` exited ${out.status}:\n${out.stderr.slice(-3000)}`);
}

/**
 * Opens `url` and waits for a leader (and, with `trace`, opens the Raftlab
 * example trace and closes it); console errors, and a screenshot saved as `shot`.
 */
async function leaderShown(browser, url, shot, { trace = false } = {}) {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('[data-testid="node"][data-role="leader"]', { timeout: 30_000 });
  if (trace) {
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Open a trace', exact: true }).click(),
    ]);
    await chooser.setFiles(path.join(ROOT, 'docs', 'example.raftlab.ndjson'));
    await page.getByTestId('trace-summary').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Close the trace', exact: true }).click();
  }
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, shot) });
  await page.close();
  return errors;
}

const port = await freePort();
let log = '';
const serve = spawn('bash', [path.join(ROOT, 'scripts', 'serve.sh'), String(port)], {
  cwd: ROOT,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
});
serve.stdout.on('data', (d) => (log += d));
serve.stderr.on('data', (d) => (log += d));
const stopServe = () => {
  try {
    process.kill(-serve.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
};
process.on('exit', stopServe);
let browser;
try {
  // 1. The lab served, as ./scripts/serve.sh serves it.
  console.log(`serve-alongside: [${since()}] ./scripts/serve.sh ${port} (waiting for its first build)`);
  const deadline = Date.now() + 15 * 60_000;
  while (!/success/.test(log)) {
    if (serve.exitCode !== null) throw new Error(`serve.sh exited ${serve.exitCode}:\n${log.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`serve.sh did not finish its first build:\n${log.slice(-3000)}`);
    await sleep(500);
  }
  await sleep(3_000);
  const servedBuilds = builds(log);
  const before = digests(DIST);
  console.log(`serve-alongside: [${since()}] served from dist/ (${before.size} files, ${servedBuilds} build${servedBuilds === 1 ? '' : 's'})`);

  // 2. The test command's own work meanwhile: its release build, native
  // tests writing to target/, and a browser on the test build.
  run('trunk build --release --offline --dist target/test-dist');
  run('cargo test --quiet --test trace_cli');
  browser = await launchBrowser();
  const server = await startServer(TEST_DIST);
  const testErrors = await leaderShown(browser, `${server.origin}/?speed=1`, 'serve-alongside-test-build.png');
  await server.close();
  if (testErrors.length) fail(`the test build logged console errors: ${testErrors.join('; ')}`);
  const testHtml = readFileSync(path.join(TEST_DIST, 'index.html'), 'utf8');
  if (/__trunk_address__|\.well-known\/trunk\/ws/.test(testHtml)) fail('the test build holds trunk serve\'s live-reload script');

  // 3. trunk serve saw none of it.
  await sleep(5_000);
  const after = digests(DIST);
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f));
  if (builds(log) !== servedBuilds) fail(`trunk serve rebuilt ${builds(log) - servedBuilds} time(s) while the tests ran:\n${log.slice(-3000)}`);
  if (changed.length) fail(`dist/ changed while the tests ran: ${changed.join(', ')}`);
  const servedErrors = await leaderShown(browser, `http://127.0.0.1:${port}/?speed=1`, 'serve-alongside-served-lab.png', { trace: true });
  if (servedErrors.length) fail(`the served lab logged console errors afterwards: ${servedErrors.join('; ')}`);
  if (!process.exitCode) {
    console.log(
      `serve-alongside: [${since()}] ok: trunk serve did not rebuild (${servedBuilds} build${servedBuilds === 1 ? '' : 's'}), dist/ unchanged (${after.size} files), no live-reload script in the test build, the served lab still elects a leader and opens a trace (test-artifacts/serve-alongside-served-lab.png)`,
    );
  }
} catch (err) {
  fail(err.message);
} finally {
  await browser?.close();
  stopServe();
}
