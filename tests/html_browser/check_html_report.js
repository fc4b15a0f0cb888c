#!/usr/bin/env node
// Opens the HTML report of the sample export in headless Chromium and checks
// it against the JSON report of the same scan. The checks cover the status
// counts, every criterion's status and the status filter. The page must log
// nothing and request nothing but file: URLs.
//
// Usage: node check_html_report.js IQTS_SCAN SOURCE_DIR
// Exit status: 0 when every check passes, 1 when one fails, 77 when Chromium
// or playwright-core is missing, so that ctest reports the test as skipped.
// With IQTS_UPDATE_SCREENSHOT=1 the full-page screenshot is written to
// docs/html-report.png; otherwise it goes to the temporary folder.

'use strict';

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const SKIP = 77;
const CHROMIUM = '/usr/bin/chromium';
const STATUSES = ['pass', 'fail', 'missing', 'review', 'error', 'waived'];
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function skip(reason) {
  console.log(`SKIPPED: ${reason}`);
  process.exit(SKIP);
}

function loadPlaywright() {
  try {
    return require('playwright-core');
  } catch (error) {
    return skip(`playwright-core is not installed (${error.code}): run "npm ci" in ${__dirname}`);
  }
}

// Runs the scan into `folder` and returns the paths of both reports.
function scan(scanner, sourceDir, folder) {
  const html = path.join(folder, 'report.html');
  const json = path.join(folder, 'report.json');
  const args = ['scan', 'fixtures/sample-export', '--format', 'html', '--output', html,
                '--format', 'json', '--output', json];
  try {
    execFileSync(scanner, args, { cwd: sourceDir, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    // Exit status 1 means that a criterion fails or is missing, as the sample
    // export does on purpose. Any other exit status is a failed scan.
    if (error.status !== 1) throw error;
  }
  return { html, json };
}

async function check(page, expected) {
  const shownCounts = await page.$$eval('.counts .count', (items) => items.map((item) => ({
    status: item.dataset.status,
    number: Number(item.querySelector('.count-number').textContent),
    word: item.querySelector('.count-word').textContent,
  })));
  assert.deepEqual(shownCounts.map((count) => count.status), STATUSES, 'one count per status, in order');
  for (const count of shownCounts) {
    assert.equal(count.word, count.status, `count label of ${count.status}`);
    assert.equal(count.number, expected.summary.counts[count.status], `count of ${count.status}`);
  }

  const tiles = await page.$$eval('a.tile', (items) => items.map((item) => ({
    id: item.dataset.criterion,
    status: item.querySelector('.tile-status').textContent,
    visible: item.offsetParent !== null,
  })));
  assert.equal(tiles.length, expected.criteria.length, 'one tile per criterion');
  for (const criterion of expected.criteria) {
    const tile = tiles.find((item) => item.id === criterion.id);
    assert.ok(tile, `tile of ${criterion.id}`);
    assert.equal(tile.status, criterion.status, `status of ${criterion.id}`);
    assert.ok(tile.visible, `tile of ${criterion.id} is visible`);
  }

  const failing = expected.criteria.flatMap((criterion) => criterion.findings)
    .filter((finding) => finding.status === 'fail').length;
  assert.ok(failing > 0, 'the sample export has failing findings');

  const allVisible = await page.locator('tr.finding:visible').count();
  assert.ok(allVisible > failing, 'every finding is shown before a filter is chosen');

  await page.click('label[for="filter-fail"]');
  assert.ok(await page.isChecked('#filter-fail'), 'the fail filter is checked after a click');
  assert.equal(await page.locator('tr.finding:not(.status-fail):visible').count(), 0,
    'the fail filter hides every finding that does not fail');
  assert.equal(await page.locator('tr.finding.status-fail:visible').count(), failing,
    'the fail filter shows every failing finding');

  // The filter is a radio group, so the keyboard moves between its choices.
  await page.focus('#filter-fail');
  await page.keyboard.press('ArrowLeft');
  assert.ok(await page.isChecked('#filter-pass'), 'the arrow key moves the filter to pass');
  await page.click('label[for="filter-all"]');
  assert.equal(await page.locator('tr.finding:visible').count(), allVisible, 'the all filter shows every finding');
}

async function main() {
  const [scanner, sourceDir] = process.argv.slice(2);
  if (!scanner || !sourceDir) {
    console.error('usage: node check_html_report.js IQTS_SCAN SOURCE_DIR');
    process.exit(2);
  }
  if (!fs.existsSync(CHROMIUM)) skip(`${CHROMIUM} not found: install the Debian package chromium`);
  const { chromium } = loadPlaywright();

  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'iqts-html-'));
  let context;
  try {
    const reports = scan(scanner, sourceDir, folder);
    const expected = JSON.parse(fs.readFileSync(reports.json, 'utf8'));

    context = await chromium.launchPersistentContext(path.join(folder, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    const page = context.pages()[0] ?? await context.newPage();

    const problems = [];
    page.on('console', (message) => problems.push(`console ${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await context.route((url) => url.protocol !== 'file:', async (route) => {
      problems.push(`request to ${route.request().url()}`);
      await route.abort();
    });

    await page.goto(pathToFileURL(reports.html).href, { waitUntil: 'load' });
    await check(page, expected);

    const screenshot = process.env.IQTS_UPDATE_SCREENSHOT === '1'
      ? path.join(sourceDir, 'docs', 'html-report.png')
      : path.join(folder, 'html-report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);

    assert.deepEqual(problems, [], 'the page logs nothing and requests only file: URLs');
    console.log('PASS: the HTML report matches the JSON report in Chromium');
  } finally {
    if (context) await context.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`FAIL: ${error.message}`);
  process.exit(1);
});
