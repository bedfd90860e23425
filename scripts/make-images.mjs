// Renders the PNG images in www/ from their sources with Debian's Chromium:
//   www/icon.svg                 -> www/icon-192.png, www/icon-512.png
//   assets/social-preview.html   -> www/social-preview.png (1200x630)
// Run after `npm ci`: node scripts/make-images.mjs
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { launchBrowser } from '../tests/e2e/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const www = path.join(root, 'www');

const browser = await launchBrowser();
try {
  const icon = await readFile(path.join(www, 'icon.svg'), 'utf8');
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${icon}`,
    );
    await page.screenshot({ path: path.join(www, `icon-${size}.png`), omitBackground: true });
    await page.close();
  }
  const page = await browser.newPage({ viewport: { width: 1200, height: 630 } });
  await page.setContent(await readFile(path.join(root, 'assets', 'social-preview.html'), 'utf8'));
  await page.screenshot({ path: path.join(www, 'social-preview.png') });
  await page.close();
} finally {
  await browser.close();
}
console.log('wrote www/icon-192.png, www/icon-512.png, www/social-preview.png');
