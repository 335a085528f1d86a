// Not a test: a measurement. Where the page's worker spends one change on loaded data: loads
// FILE through the built page (dist/, or DIST=) in headless Chromium, waits PAUSE= ms (300;
// the worker walks ahead meanwhile, as it does for a person), then makes the change under a
// DevTools trace with V8's sampling profiler on (which slows the worker by a fifth or so). It
// prints the time to the screen, the worker's runs of one function of 1 ms or more in time
// order (from the change on), and each thread's functions with the most time of their own
// over the trace (the walks ahead after the answer included).
//   node tests/e2e/worker-profile.mjs FILE [QUERY]
// CHANGE= `stage` (a role's column left unused; the default) or `#select=value` (`#period=all`,
// `#stage=mature`); ROUNDS= loads (1); TOP= functions listed (25); CALLERS=text: who called the
// worker's functions whose names hold it, between the change and the screen; MIN= the shortest
// run shown, in ms (1). Function names
// need a build that keeps them: `NAMES=1 bash scripts/names-build.sh DIR`, then DIST=DIR.
import path from 'node:path';
import { openPage, timeChange } from './profile-page.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node tests/e2e/worker-profile.mjs FILE [QUERY]');
  process.exit(2);
}
const what = process.env.CHANGE || 'stage';
const rounds = Number(process.env.ROUNDS || 1);
const top = Number(process.env.TOP || 25);
const wanted = process.env.CALLERS;
const minUs = 1000 * Number(process.env.MIN || 1);
// Microseconds of own time by function: the worker's, the page's; who called `wanted`.
const [own, mainOwn, callers] = [new Map(), new Map(), new Map()];
const add = (m, k, us) => m.set(k, (m.get(k) || 0) + us);
const plain = (name) => name.replace(/::h[0-9a-f]{16}$/, '');
const act = what.startsWith('#')
  ? { select: what.split('=')[0], value: what.split('=')[1] ?? '' }
  : { role: what, value: '' };
const times = [];

for (let r = 0; r < rounds; r++) {
  const { page, idle, close } = await openPage(process.argv[3] || '');
  await page.setInputFiles('#file-input', file);
  await page.waitForFunction((name) => (document.querySelector('#load-status')?.textContent || '').includes(name),
    path.basename(file), { timeout: 300_000 });
  await idle();
  await page.waitForTimeout(Number(process.env.PAUSE || 300));
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  await cdp.send('Tracing.start', {
    categories: 'disabled-by-default-v8.cpu_profiler,devtools.timeline,__metadata',
    transferMode: 'ReportEvents',
  });
  // Timed inside the page and marked in the trace at both ends (`timeChange`).
  const timed = await timeChange(page, act);
  const ms = timed === null ? null : Math.round(timed);
  await new Promise((done) => {
    cdp.once('Tracing.tracingComplete', done);
    cdp.send('Tracing.end');
  });
  if (ms === null) {
    console.error(`${what}: nothing to change on this page`);
    process.exit(1);
  }
  const worker = (await page.locator('#load-status .ms').textContent().catch(() => '')).replace(/[^\d,]/g, '');
  times.push(`${ms} (worker ${worker})`);
  await close();

  const stamp = (m) => events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === m)?.ts;
  const [t0, t1] = [stamp('change'), stamp('shown')];
  const threads = new Map();
  for (const e of events) if (e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args.name);
  // Each profile's functions, callers and clock; its samples come in chunks, in order.
  const profiles = new Map();
  for (const e of events) {
    if (e.name !== 'Profile') continue;
    const thread = threads.get(`${e.pid}:${e.tid}`) || '';
    const into = thread.includes('Worker') ? own : thread.includes('Main') ? mainOwn : null;
    profiles.set(e.id, { into, names: new Map(), parents: new Map(), t: e.args?.data?.startTime ?? e.ts });
  }
  // The worker's samples in runs of one function: [from, to, name], in µs of the trace clock.
  const runs = [];
  for (const e of events) {
    const p = e.name === 'ProfileChunk' && profiles.get(e.id);
    const data = p?.into && e.args?.data;
    if (!data) continue;
    for (const n of data.cpuProfile?.nodes || []) {
      p.names.set(n.id, plain(n.callFrame.functionName || '(anonymous)'));
      if (n.parent) p.parents.set(n.id, n.parent);
    }
    const deltas = data.timeDeltas || [];
    (data.cpuProfile?.samples || []).forEach((id, i) => {
      const us = deltas[i] || 0;
      const name = p.names.get(id) || '?';
      p.t += us;
      add(p.into, name, us);
      if (p.into !== own || name === '(idle)' || name === '(program)') return;
      if (wanted && name.includes(wanted) && p.t >= t0 && p.t <= t1) {
        const chain = [];
        for (let q = p.parents.get(id); q && chain.length < 5; q = p.parents.get(q)) chain.push((p.names.get(q) || '?').slice(0, 60));
        add(callers, chain.join(' < '), us);
      }
      const last = runs[runs.length - 1];
      if (last && last[2] === name && p.t - last[1] < 500) last[1] = p.t;
      else runs.push([p.t, p.t, name]);
    });
  }
  if (t0 && t1) {
    console.log(`round ${r + 1}: the worker's runs of ${minUs / 1000} ms or more, ms from the change (on screen at ${((t1 - t0) / 1000).toFixed(1)}):`);
    for (const [a, b, name] of runs) {
      if (b - a >= minUs && b >= t0 && a <= t1) {
        console.log(`  ${((a - t0) / 1000).toFixed(1).padStart(7)} – ${((b - t0) / 1000).toFixed(1).padStart(6)}  ${name.slice(0, 100)}`);
      }
    }
  }
}

const show = (label, m, n) => {
  const list = [...m.entries()].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]);
  const busy = list.reduce((s, [, us]) => s + us, 0);
  console.log(`${label}: ${(busy / 1000 / rounds).toFixed(1)} ms busy a round over the trace`);
  for (const [name, us] of list.slice(0, n)) console.log(`  ${(us / 1000 / rounds).toFixed(1).padStart(7)}  ${name.slice(0, 120)}`);
};
console.log(`${path.basename(file)}, ${what}: on screen in ${times.join(', ')} ms`);
show('worker', own, top);
show('page', mainOwn, 8);
if (wanted) show(`callers of ${wanted} from the change to the screen`, callers, 12);
