import { startLab, openApp, sleep } from './harness.mjs';
const lab = await startLab();
const { page, assertClean } = await openApp(lab, '/?speed=1');
await page.setViewportSize({ width: 1600, height: 1000 });
await sleep(4000);
await page.getByRole('button', { name: 'Pause' }).click();
for (let i = 0; i < 25; i++) await page.getByRole('button', { name: 'Step back' }).click();
const tl = page.getByRole('region', { name: 'Timeline' });
await tl.scrollIntoViewIfNeeded();
await tl.screenshot({ path: '/tmp/shots/back.png' });
const counts = await page.evaluate(() => ({
  veil: document.querySelectorAll('.lanes-box .future-veil').length,
  air: document.querySelectorAll('.lanes-box .in-air').length,
  playhead: document.querySelectorAll('.lanes-box .playhead').length,
  all: document.querySelectorAll('.lanes-box *').length,
}));
console.log(JSON.stringify(counts));
// wheel zoom out a lot
const box = page.locator('.lanes-box');
const b = await box.boundingBox();
await page.mouse.move(b.x + b.width / 2, b.y + 40);
for (let i = 0; i < 10; i++) { await page.mouse.wheel(0, 120); }
await sleep(300);
await tl.screenshot({ path: '/tmp/shots/zoomed.png' });
assertClean();
await lab.stop();
