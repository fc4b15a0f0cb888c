// Drives `iqts-scan serve` in headless Chromium as a person would: upload the
// sample export through the page, wait for the report, and check that the
// page's criterion counts equal the JSON report's. Exits 77 (skipped) when
// Chromium is missing.
//
// Usage: node serve.test.mjs IQTS_SCAN_EXECUTABLE EXPORT_ZIP [SCREENSHOT_PNG]

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [executable, exportZip, screenshot] = process.argv.slice(2);
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!executable || !exportZip) {
  console.error('usage: node serve.test.mjs IQTS_SCAN_EXECUTABLE EXPORT_ZIP [SCREENSHOT_PNG]');
  process.exit(2);
}
if (!existsSync(chromiumPath)) {
  console.log(`SKIP: ${chromiumPath} not found; install Debian's chromium package`);
  process.exit(77);
}

let failures = 0;
let passes = 0;
function check(condition, message) {
  if (condition) {
    passes += 1;
    console.log(`ok: ${message}`);
  } else {
    failures += 1;
    console.log(`FAILED: ${message}`);
  }
}

// Starts the server on a free loopback port and resolves with its URL.
function startServer() {
  const server = spawn(executable, ['serve', '--listen', '127.0.0.1:0', '--max-scans', '1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('the server printed no URL within 30 s')), 30000);
    server.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/open (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) {
        clearTimeout(timer);
        resolve({ server, url: match[1] });
      }
    });
    server.stderr.on('data', () => {});
    server.on('exit', (code) => reject(new Error(`the server exited with status ${code}`)));
  });
}

function countStatuses(statuses) {
  const counts = {};
  for (const status of statuses) counts[status] = (counts[status] || 0) + 1;
  return counts;
}

const { server, url } = await startServer();
const profile = mkdtempSync(join(tmpdir(), 'iqts-browser-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1200, height: 900 },
});

try {
  const page = context.pages()[0] || await context.newPage();
  const consoleErrors = [];
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));

  await page.goto(url);
  await page.setInputFiles('#files', exportZip);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  check(/\/reports\/[0-9a-f]{32}$/.test(page.url()), `the upload leads to a report page (${page.url()})`);

  await page.waitForSelector('#downloads', { timeout: 600000 });
  const tiles = await page.$$eval('a.tile[data-criterion] .tile-status',
    (nodes) => nodes.map((node) => node.textContent.trim().toLowerCase()));
  const summary = await page.$$eval('li.count[data-status]', (nodes) => Object.fromEntries(
    nodes.map((node) => [node.dataset.status.toLowerCase(), Number(node.querySelector('.count-number').textContent)])));

  const response = await page.request.get(new URL('report.json', page.url() + '/').href);
  check(response.status() === 200, 'the JSON report downloads');
  const report = await response.json();
  const expected = countStatuses(report.criteria.map((criterion) => criterion.status.toLowerCase()));
  check(JSON.stringify(countStatuses(tiles)) === JSON.stringify(expected),
    `criterion tiles per status ${JSON.stringify(countStatuses(tiles))} equal the JSON's ${JSON.stringify(expected)}`);
  for (const [status, count] of Object.entries(expected)) {
    check(summary[status] === count, `summary count of ${status} is ${count}`);
  }

  const xlsx = await page.request.get(new URL('report.xlsx', page.url() + '/').href);
  check(xlsx.status() === 200, 'the xlsx grid downloads');

  if (screenshot) await page.screenshot({ path: screenshot });

  const reportPath = new URL(page.url()).pathname;
  await page.goto(url);
  check(await page.locator(`#reports a[href="${reportPath}"]`).count() === 1, 'the start page lists the report');
  check(consoleErrors.length === 0, `no console errors (${consoleErrors.join(' | ')})`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  server.removeAllListeners('exit');
  const exited = new Promise((resolve) => server.on('exit', resolve));
  server.kill('SIGTERM');
  const status = await exited;
  check(status === 0, `the server stops on SIGTERM with status 0 (got ${status})`);
}

console.log(`browser: ${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
