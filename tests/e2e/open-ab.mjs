// Not a test: a measurement. What the page's opening costs its main thread, for one build or
// several in turn: each round opens every build in a fresh headless Chromium (nothing cached,
// as a first visit), waits until the built-in sample's report is drawn and the page is idle,
// and reads the Long Tasks API's tasks over 50 ms and a DevTools timeline of the opening. It
// prints, per opening, the tasks (start and length, ms from navigation), the page thread's
// longest task that handled a worker's message (the first report's decoding and drawing),
// the time spent on style and layout and its largest layout, and when the first report's
// cards were on screen (the frame after they came into the page); then each build's medians.
// The longest task is the timeline's, with the work of drawing a frame, which the Long Tasks
// API leaves out: on a first visit the first report's layout is often the longest of all.
// Builds are compared in turn, round by round, because this machine's speed drifts by a
// third within the hour.
//   node tests/e2e/open-ab.mjs ROUNDS DIST [DIST …]     (e.g. 8 dist target/dist-b)
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from './server.mjs';

const rounds = Number(process.argv[2]);
const dists = process.argv.slice(3).map((d) => path.resolve(d));
if (!(rounds >= 1) || !dists.length || !dists.every((d) => fs.existsSync(path.join(d, 'index.html')))) {
  console.error('usage: node tests/e2e/open-ab.mjs ROUNDS DIST [DIST …]  (each DIST a built page)');
  process.exit(2);
}
const servers = await Promise.all(dists.map((d) => serve(d)));
const traceFile = path.join(os.tmpdir(), `open-ab-${process.pid}.json`);
// Per build: [longest task, the message task, style and layout, the largest layout, the
// cards on screen] of each opening.
const seen = dists.map(() => []);

async function open(k) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1300, height: 900 } })).newPage();
    await page.addInitScript(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
      }).observe({ type: 'longtask', buffered: true });
      // When the first report's cards are on screen (ms from navigation).
      new MutationObserver((_, o) => {
        if (!document.getElementById('kpi-cards')) return;
        o.disconnect();
        // Once the frame that draws them is made: a frame's callbacks run before its style
        // and layout, a timeout set there after them.
        requestAnimationFrame(() => setTimeout(() => { window.cardsAt = Math.round(performance.now()); }, 0));
      }).observe(document, { subtree: true, childList: true });
    });
    await browser.startTracing(page, { path: traceFile, categories: ['devtools.timeline'] });
    await page.goto(`${servers[k].url}?lang=en`);
    await page.waitForSelector('#kpi-cards');
    await page.waitForFunction(() => document.querySelector('main')?.getAttribute('aria-busy') === 'false');
    await page.waitForTimeout(1500);
    await browser.stopTracing();
    const [tasks, cardsAt] = await page.evaluate(() => [window.longTasks, window.cardsAt]);
    // The page's own thread only: the workers handle messages too (the engine's reads the
    // sample in one), and those are not the page's tasks.
    const all = JSON.parse(fs.readFileSync(traceFile, 'utf8')).traceEvents;
    const main = all.find((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain');
    const events = all.filter((e) => e.ph === 'X' && e.pid === main?.pid && e.tid === main?.tid);
    const ms = (name) => events.filter((e) => e.name === name).map((e) => e.dur / 1000);
    const message = Math.max(0, ...ms('HandlePostMessage'));
    const layout = [...ms('Layout'), ...ms('UpdateLayoutTree')].reduce((a, b) => a + b, 0);
    const largestLayout = Math.max(0, ...ms('Layout'));
    // The Long Tasks API leaves out the work of drawing a frame (style, layout, paint): the
    // timeline's tasks have it.
    const longest = Math.max(0, ...tasks.map((t) => t[1]), ...ms('RunTask'));
    seen[k].push([longest, message, layout, largestLayout, cardsAt]);
    console.log(`${dists[k]}: tasks over 50 ms [start, ms] ${JSON.stringify(tasks)}; `
      + `the worker's message ${message.toFixed(1)} ms, style and layout ${layout.toFixed(1)} ms `
      + `(the largest layout ${largestLayout.toFixed(1)}), the cards on screen at ${cardsAt} ms`);
  } finally {
    await browser.close();
  }
}

try {
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 ? [...dists.keys()].reverse() : dists.keys()) await open(k);
  }
} finally {
  await Promise.all(servers.map((s) => s.close()));
  fs.rmSync(traceFile, { force: true });
}
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
dists.forEach((d, k) => {
  const col = (i) => median(seen[k].map((x) => x[i])).toFixed(1);
  console.log(`${d}: medians of ${rounds}: longest task ${col(0)} ms, the worker's message ${col(1)} ms, `
    + `style and layout ${col(2)} ms (the largest layout ${col(3)}), the cards on screen at ${col(4)} ms`);
});
