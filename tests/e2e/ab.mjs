// Not a test: a measurement. Two builds of the bench module (`bash bench/ab.sh` makes them)
// in one headless Chromium page, run in turn on one file, so that both see the same machine
// at the same moments: on a shared machine whose speed drifts by a third within the hour,
// runs of one build after the other can't tell a few percent apart.
//   node tests/e2e/ab.mjs DIR [ROUNDS]
// DIR holds `a/` and `b/` (each a bench module with its entry.js) and `data.csv`. Each round
// runs both modules, the order swapped every round, on a fresh copy of the file with a
// garbage collection before each run. Prints each build's runs, median, fastest and the mean
// of the middle half (the runs a stray pause of the machine leaves alone); when both modules
// time their steps (`bench_kpis_steps`), the same for reading, typing, the report and its
// conversion, each on its own.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './server.mjs';

const dir = process.argv[2];
const rounds = Number(process.argv[3] || 16);
if (!dir || !fs.existsSync(path.join(dir, 'data.csv')) || !(rounds >= 1)) {
  console.error('usage: node tests/e2e/ab.mjs DIR [ROUNDS]  (DIR with a/, b/ and data.csv)');
  process.exit(2);
}
fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>ab</title>');
const server = await serve(path.resolve(dir));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--js-flags=--expose-gc'],
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.log(`page: ${m.text()}`));
  await page.goto(`${server.url}index.html`);
  const { times, steps } = await page.evaluate(async (rounds) => {
    const bytes = new Uint8Array(await (await fetch('/data.csv')).arrayBuffer());
    const builds = [];
    const glue = [];
    for (const name of ['a', 'b']) {
      const m = await import(`/${name}/entry.js`);
      await m.init();
      builds.push(m);
      glue.push(await import(`/${name}/crm_kpi.js`));
    }
    const stepped = glue.every((g) => typeof g.bench_kpis_steps === 'function');
    const times = [[], []];
    const steps = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const i of r % 2 ? [1, 0] : [0, 1]) {
        const copy = bytes.slice();
        globalThis.gc();
        const t0 = performance.now();
        if (stepped) {
          steps[i].push([...glue[i].bench_kpis_steps(copy)]);
        } else {
          await builds[i].run(copy);
        }
        times[i].push(performance.now() - t0);
      }
    }
    return { times, steps };
  }, rounds);
  const sorted = (v) => [...v].sort((x, y) => x - y);
  const median = (v) => sorted(v)[v.length >> 1];
  const middle = (v) => {
    const s = sorted(v);
    const q = s.slice(s.length >> 2, s.length - (s.length >> 2));
    return q.reduce((x, y) => x + y, 0) / q.length;
  };
  ['a', 'b'].forEach((name, i) => {
    const v = times[i];
    console.log(`${name} (${fs.readFileSync(path.join(dir, name, 'BUILD'), 'utf8').trim()}): `
      + `mean of the middle half ${middle(v).toFixed(1)} ms, median ${median(v).toFixed(0)}, `
      + `fastest ${Math.min(...v).toFixed(0)}; runs ${v.map((x) => x.toFixed(0)).join(' ')}`);
    if (steps[i].length) {
      const line = ['read', 'type', 'report', 'convert'].map((step, k) => {
        const w = steps[i].map((s) => s[k]);
        return `${step} ${middle(w).toFixed(1)} (median ${median(w).toFixed(1)}, fastest ${Math.min(...w).toFixed(1)})`;
      });
      console.log(`  ${name} by step, mean of the middle half: ${line.join(', ')}`);
    }
  });
} finally {
  await browser.close();
  await server.close();
}
