// Shared set-up for the end-to-end tests: one static server and one browser
// per test file, and a page watcher that every test uses, so that a console
// error, an uncaught exception, a failed request or an HTTP error fails the
// test that caused it.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from './browser.mjs';
import { startServer } from './server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
// The release build to test: scripts/test.sh builds it into target/test-dist/
// (never dist/, which ./scripts/serve.sh may be serving) and says so here.
export const DIST = path.resolve(ROOT, process.env.RAFTLAB_DIST || 'dist');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/** Starts the server and the browser; call `stop()` when done. */
export async function startLab() {
  const server = await startServer(DIST);
  let browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    server,
    browser,
    stop: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * A suite of tests against one server and one browser, started before its
 * first test and stopped after its last: `body(lab)` declares the tests,
 * which reach the server and browser through `lab` once they run.
 */
export function describeLab(name, body) {
  describe(name, () => {
    const lab = {};
    before(async () => {
      Object.assign(lab, await startLab());
    });
    after(async () => {
      await lab.stop?.();
    });
    body(lab);
  });
}

/**
 * Opens the app at `urlPath` in a fresh browser context and watches it.
 * Returns { page, context, problems, consoleErrors, pageErrors, assertClean }.
 * `allow` lists regular expressions for errors a test provokes on purpose.
 */
export async function openApp(lab, urlPath = '/', { contextOptions = {} } = {}) {
  const context = await lab.browser.newContext(contextOptions);
  await context.addInitScript({ path: path.join(HERE, 'page-probe.js') });
  const page = await context.newPage();
  const consoleErrors = [];
  const pageErrors = [];
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(String(err && err.stack ? err.stack : err)));
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`),
  );
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  const response = await page.goto(lab.server.origin + urlPath, { waitUntil: 'load' });
  assert.equal(response.status(), 200, `loading ${urlPath}`);

  /** Fails unless nothing went wrong, apart from errors matching `allow`. */
  const assertClean = ({ allow = [] } = {}) => {
    const unexpected = (list) => list.filter((text) => !allow.some((re) => re.test(text)));
    assert.deepEqual(problems, [], 'failed requests or HTTP errors');
    assert.deepEqual(unexpected(consoleErrors), [], 'console errors');
    assert.deepEqual(unexpected(pageErrors), [], 'uncaught exceptions');
  };
  return { page, context, problems, consoleErrors, pageErrors, assertClean };
}

/** The simulated time shown on screen, in milliseconds. */
export async function simMillis(page) {
  const text = await page.getByTestId('sim-time').textContent();
  const match = /^(\d+\.\d+) ms$/.exec(text.trim());
  assert.ok(match, `sim-time text looks like "123.456 ms", got ${JSON.stringify(text)}`);
  return Number(match[1]);
}

/**
 * Waits until `check(arg)` returns something truthy, checking it inside the
 * page once per animation frame (with `window.__probe` from page-probe.js at
 * hand), and returns that value. `what` names the wait in the error.
 */
export async function untilFrame(page, what, check, arg, timeout) {
  try {
    const handle = await page.waitForFunction(check, arg, { polling: 'raf', timeout });
    return await handle.jsonValue();
  } catch (err) {
    const time = await page.getByTestId('sim-time').textContent().catch(() => '?');
    const status = await page.getByTestId('leader-status').textContent().catch(() => '?');
    throw new Error(`${what}: not seen within ${timeout} ms (sim time ${time}; ${status})`, { cause: err });
  }
}

/**
 * Scrolls the swimlane into view, as a person would, and waits until it has
 * caught up: out of view it is not drawn (src/ui/on_screen.rs), and the
 * browser reports it in view after the next frame, when it is drawn.
 * Returns its locator.
 */
export async function lanesInView(page) {
  const lanes = page.locator('.lanes-box');
  await lanes.scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(ok, 0)))));
  return lanes;
}

/** Opens the collapsible group of controls headed `name`, if it is closed. */
export async function openGroup(page, name) {
  const details = page.locator('details', { has: page.getByRole('heading', { name, exact: true }) });
  // As a person would: click the heading, and click again if the group did
  // not open (a click can land while the page is still settling after load).
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await details.evaluate((d) => d.open)) return;
    await details.locator('summary').click();
    await page.waitForFunction((d) => d.open, await details.elementHandle(), { timeout: 2_000 }).catch(() => {});
  }
  assert.ok(await details.evaluate((d) => d.open), `the ${name} group opens`);
}

/** Saves a screenshot under test-artifacts/ and returns its path. */
export async function saveScreenshot(page, name, options = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  // Panels out of view skip rendering (content-visibility: auto) until
  // scrolled near, which a whole-page capture never does: render them for
  // it, so the picture shows the page a person scrolling through sees.
  const whole = options.fullPage
    ? await page.addStyleTag({ content: '* { content-visibility: visible !important; }' })
    : null;
  await page.screenshot({ path: file, ...options });
  await whole?.evaluate((style) => style.remove());
  return file;
}

const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/**
 * Runs axe-core on the whole page and fails on any serious or critical
 * violation, naming the rule, the elements and axe's advice.
 */
export async function assertAxeClean(page, where) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        rule: v.id,
        impact: v.impact,
        nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n')[1]?.trim()}`),
      }));
  });
  assert.deepEqual(violations, [], `${where}: axe-core found serious or critical violations`);
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
