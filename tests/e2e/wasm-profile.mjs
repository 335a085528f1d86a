// Not a test: a measurement. The bench module in DIR/m (built with its functions' names:
// `bash bench/profile.sh` makes it) run on DIR/data.csv in headless Chromium, under the
// DevTools sampling profiler (every 0.2 ms). Two runs first, unprofiled, for the browser to move
// the module's hot functions to optimized code; then ROUNDS runs, each on a fresh copy of the
// file made outside the profile. Prints the median of each step of `bench_kpis_steps` and the
// functions with the most time of their own, in ms per run and as a share of the runs' time.
//   node tests/e2e/wasm-profile.mjs DIR [ROUNDS] [TOP]
// With PERF=1 (needs Linux `perf`, run as root), the browser's optimizing compiler writes its
// code out for `perf` (V8's --perf-prof, every function compiled optimized at once), the runs
// are recorded machine-wide, and DIR/perf.jit.data is left for instruction-level reading:
//   perf annotate -i DIR/perf.jit.data --stdio -s 'JS:<symbol>'
// With ROLE=id (`stage`, `closed_at`, `amount` …), the file is loaded once and answered for
// the whole range (and then PERIOD=, such as 2025-03, the month a load of the bench's file
// opens on) with its review, as the page does; each run is then that role's column left
// unused and the answer again (`bench_remap`), profiled; then, not profiled, the deal names'
// column left unused too, the role's column given back and the names' (none a change back,
// which the workbook makes from the table it kept). Before the runs, WARM=n such cycles (2 by
// default; 0 for the first change after a load, as a person makes it) and, with PRE=1, the
// names' column left unused and given back. With BACK=1, each run is instead the role's
// column given back while the names' column stays unused (a change of mapping, not a change
// back: every figure made again with the role's column read). CALLERS=text also prints who
// called the functions whose names hold that text.

import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './server.mjs';

const dir = process.argv[2];
const rounds = Number(process.argv[3] || 5);
const top = Number(process.argv[4] || 30);
if (!dir || !fs.existsSync(path.join(dir, 'data.csv')) || !(rounds >= 1)) {
  console.error('usage: node tests/e2e/wasm-profile.mjs DIR [ROUNDS] [TOP]  (DIR with m/ and data.csv)');
  process.exit(2);
}
fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>profile</title>');
const out = path.resolve(dir);
const server = await serve(out);
const perf = Boolean(process.env.PERF);
if (perf) {
  // V8 writes its code dumps (jit-PID.dump) where the browser runs: in DIR.
  for (const f of fs.readdirSync(out).filter((f) => /^jit-\d+\.dump$|^jitted-|^perf\.|^isolate-.*-v8\.log$/.test(f))) {
    fs.rmSync(path.join(out, f), { recursive: true, force: true });
  }
  process.chdir(out);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu',
    ...(perf ? ['--js-flags=--perf-prof --no-liftoff --no-wasm-lazy-compilation'] : [])],
});
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}index.html`);
  await page.evaluate(async () => {
    const m = await import('/m/crm_kpi.js');
    await m.default({ module_or_path: '/m/crm_kpi_bg.wasm' });
    window.file = new Uint8Array(await (await fetch('/data.csv')).arrayBuffer());
    window.steps = (bytes) => Array.from(m.bench_kpis_steps(bytes));
  });
  const role = process.env.ROLE;
  await page.evaluate(async ([role, warm, pre, period, back]) => {
    const m = await import('/m/crm_kpi.js');
    if (role) {
      m.bench_hold(window.file, period);
      window.file = null;
      window.steps = () => [m.bench_remap([role])];
      window.back = () => { m.bench_remap([role, 'name']); m.bench_remap(['name']); m.bench_remap([]); };
      if (back) {
        // The role's column given back while the names' stays unused: not a change back.
        m.bench_remap([role]);
        m.bench_remap([role, 'name']);
        window.steps = () => [m.bench_remap(['name'])];
        window.back = () => { m.bench_remap([]); m.bench_remap([role]); m.bench_remap([role, 'name']); };
      }
      for (let i = 0; i < warm; i++) { window.steps(); window.back(); }
      if (pre) { m.bench_remap(['name']); m.bench_remap([]); }
    } else {
      for (let i = 0; i < 2; i++) window.steps(window.file.slice());
    }
  }, [role, Number(process.env.WARM ?? 2), process.env.PRE, process.env.PERIOD, process.env.BACK]);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const own = new Map();
  const callers = new Map();
  const steps = [];
  let total = 0;
  let recorder = null;
  if (perf) {
    recorder = spawn('perf', ['record', '-k', '1', '-e', 'cpu-clock', '-a', '-g', '-o', 'perf.data'],
      { stdio: 'ignore' });
    await new Promise((done) => setTimeout(done, 1000));
  }
  for (let r = 0; r < rounds; r++) {
    await page.evaluate(() => { window.copy = window.file?.slice(); });
    await cdp.send('Profiler.start');
    steps.push(await page.evaluate(() => window.steps(window.copy)));
    const { profile } = await cdp.send('Profiler.stop');
    if (role) await page.evaluate(() => window.back());
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    // CALLERS=text: who called the functions whose names hold it, four calls up.
    if (process.env.CALLERS) {
      const parent = new Map();
      for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
      profile.samples.forEach((id, i) => {
        if (!(nodes.get(id).callFrame.functionName || '').includes(process.env.CALLERS)) return;
        const chain = [nodes.get(id).callFrame.functionName];
        for (let p = parent.get(id); p && chain.length < 5; p = parent.get(p)) chain.push(nodes.get(p).callFrame.functionName);
        const key = chain.map((f) => f.replace(/::h[0-9a-f]{16}$/, '').slice(0, 70)).join(' < ');
        callers.set(key, (callers.get(key) || 0) + (profile.timeDeltas[i] || 0));
      });
    }
    profile.samples.forEach((id, i) => {
      // A Rust symbol's hash (`::h0123…`) is left off: it says nothing to a reader.
      const name = (nodes.get(id).callFrame.functionName || '(anonymous)').replace(/::h[0-9a-f]{16}$/, '');
      const us = profile.timeDeltas[i] || 0;
      own.set(name, (own.get(name) || 0) + us);
      total += us;
    });
  }
  if (recorder) {
    const stopped = new Promise((done) => recorder.on('exit', done));
    recorder.kill('SIGINT');
    await stopped;
  }
  const median = (k) => {
    const v = steps.map((s) => s[k]).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)].toFixed(1);
  };
  console.log(`${path.basename(fs.realpathSync(path.join(out, 'data.csv')))}, ${rounds} profiled runs`);
  if (role) console.log(`median ms: ${role} ${process.env.BACK ? "given back (names unused)" : "left unused"} and the answer ${median(0)}`);
  else console.log(`median ms: reading ${median(0)}, typing ${median(1)}, report ${median(2)}, its conversion ${median(3)}`);
  console.log('own time, ms per run (share):');
  for (const [name, us] of [...own.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${(us / 1000 / rounds).toFixed(1).padStart(7)} (${(100 * us / total).toFixed(1).padStart(4)} %)  ${name.slice(0, 140)}`);
  }
  for (const [key, us] of [...callers.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
    console.log(`  ${(us / 1000 / rounds).toFixed(1).padStart(7)} ms  ${key}`);
  }
} finally {
  await browser.close();
  await server.close();
}
if (perf) {
  execFileSync('perf', ['inject', '--jit', '-i', 'perf.data', '-o', 'perf.jit.data'], { stdio: 'ignore' });
  const report = execFileSync('perf', ['report', '-i', 'perf.jit.data', '--no-children', '--sort', 'sym',
    '--percent-limit', '0.5', '--stdio'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  // One function may be in several code objects (one per run's compilation): summed by name.
  const shares = new Map();
  for (const line of report.split('\n')) {
    const m = line.match(/^\s+(\d+\.\d+)%\s+\[[.k]\]\s+(.*)$/);
    if (!m) continue;
    const name = m[2].trim().replace(/::h[0-9a-f]{16}/, '').replace(/-\d+-turbofan$/, '');
    shares.set(name, (shares.get(name) || 0) + Number(m[1]));
  }
  console.log('perf, the whole machine while the runs ran (its idle loop included), % of samples:');
  for (const [name, pct] of [...shares.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${pct.toFixed(2).padStart(6)}  ${name.slice(0, 140)}`);
  }
  console.log(`instructions: perf annotate -i ${path.join(out, 'perf.jit.data')} --stdio -s 'JS:<symbol>'`);
}
