// tests/server/browser_test.js: the demo page in headless Chromium. Clicks go out over the
// WebSocket and what is drawn comes back as pushes; two tabs of one browser share a session,
// a second browser (context) has its own. Saves screenshots under $SCREENSHOT_DIR.
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startSessd } = require('./lib/sessd');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.SCREENSHOT_DIR || path.join(__dirname, 'screenshots');

describe('the demo page in Chromium', () => {
  let server;
  let browser;
  const problems = [];  // page errors, console errors, requests to other hosts

  // A new tab of `context` on the demo page, once its socket is live.
  async function openPage(context) {
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) problems.push(`request to ${r.url()}`);
    });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#status[data-state="live"]');
    return page;
  }

  const countOf = (page) => page.textContent('#count');
  const waitForText = (page, selector, text) =>
    page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [selector, text],
                         { timeout: 10000 });

  before(async () => {
    server = await startSessd({ config: { runtime: { rate_limit: 0 } } });
    browser = await chromium.launch({ executablePath: CHROMIUM });
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    if (browser) await browser.close();
    const { code } = await server.stop();
    assert.equal(code, 0, `sessd exit code; log:\n${server.log()}`);
  });

  it('counts clicks live, in two tabs of one browser and separately in another', async () => {
    const alice = await browser.newContext();
    const first = await openPage(alice);
    await waitForText(first, '#count', '0');
    for (let i = 0; i < 3; i++) await first.click('#inc');
    await waitForText(first, '#count', '3');
    await first.screenshot({ path: path.join(SHOTS, 'demo-counter.png'), fullPage: true });

    // A second tab: same cookie, same session; a click in either shows in both.
    const second = await openPage(alice);
    await waitForText(second, '#count', '3');
    await second.click('#inc');
    await waitForText(second, '#count', '4');
    await waitForText(first, '#count', '4');

    // Another browser: another cookie, its own session.
    const bob = await browser.newContext();
    const other = await openPage(bob);
    await waitForText(other, '#count', '0');
    await other.click('#dec');
    await waitForText(other, '#count', '-1');
    await first.click('#reset');
    await waitForText(second, '#count', '0');
    assert.equal(await countOf(other), '-1');
    await bob.close();
    await alice.close();
  });

  it('fills and empties the cart with totals from the server, in both tabs', async () => {
    const context = await browser.newContext();
    const first = await openPage(context);
    const second = await openPage(context);
    await waitForText(first, '#cart-total', '0.00');
    await first.click('#add-TEA-01');
    await first.click('#add-TEA-01');
    await first.click('#add-MUG-02');
    // 2 x 4.50 + 12.99 = 21.99, tax 8% = 1.75 (cents truncated), total 23.74.
    for (const page of [first, second]) {
      await waitForText(page, '#cart-total', '23.74');
      assert.equal(await page.textContent('#cart-items'), '3');
      assert.equal(await page.textContent('#line-TEA-01 .qty'), '2');
    }
    await first.screenshot({ path: path.join(SHOTS, 'demo-cart.png'), fullPage: true });
    await second.click('#remove-TEA-01');
    await waitForText(first, '#cart-total', '14.02');
    assert.equal(await first.locator('#line-TEA-01').count(), 0);
    await second.click('#clear');
    await waitForText(first, '#cart-total', '0.00');
    await waitForText(first, '#cart-items', '0');
    await context.close();
  });

  it('shows the error of a rejected action', async () => {
    const context = await browser.newContext();
    const page = await openPage(context);
    await waitForText(page, '#count', '0');
    await page.click('#bad');
    await page.waitForFunction(() => document.querySelector('#error').textContent.includes('counter.set'),
                               null, { timeout: 10000 });
    await page.click('#inc');
    await waitForText(page, '#error', '');
    await waitForText(page, '#count', '1');
    await context.close();
  });

  it('loads nothing from elsewhere and raises no page errors', () => {
    assert.deepEqual(problems, []);
  });
});
