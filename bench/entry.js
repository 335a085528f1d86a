// crm-kpi as a contender of ../shared/bench: the wasm-bindgen module built with the `api`
// feature (bench/run.sh puts this file and worker.js next to crm_kpi.js and crm_kpi_bg.wasm).
// A file is read as the page reads it: here, in one reader, unless two readers are asked for
// (the page's `workers=2`; `WORKERS=2 bash bench/run.sh`). Then a file of `bench_split_bytes()`
// or more is read by two workers at once: one from the start up to the first line after the
// middle, one from there on; the first joins the second's rows to its own and computes the KPIs.
import wasmInit, { bench_kpis, bench_split_bytes } from './crm_kpi.js';

const WORKERS = 'auto';
const twoReaders = WORKERS === '2';
let workers = [];

function spawn() {
  return new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
}

// The next answer of worker `w` to the message `msg`.
function ask(w, msg, transfer = []) {
  return new Promise((resolve, reject) => {
    w.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data));
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage(msg, transfer);
  });
}

// A made-up export of `rows` deals in the bench's columns, to warm the module up on (as the
// page warms up on its built-in sample): a fresh module runs its code from the browser's
// baseline compiler, and a function moves to optimized code only once it has run a while.
function warmUpFile(rows) {
  const stages = ['closedwon', 'closedlost', 'appointmentscheduled', 'qualifiedtobuy', 'contractsent'];
  const two = (n) => String(n).padStart(2, '0');
  let csv = 'Deal ID,Deal Name,Deal Stage,Amount,Create Date,Close Date,Deal owner,Pipeline,Lead Source,Associated Company\n';
  for (let i = 0; i < rows; i++) {
    const stage = stages[i % 5];
    const day = (y, k) => `${y}-${two(1 + (k % 12))}-${two(1 + (k % 28))} ${two(k % 24)}:${two(k % 60)}`;
    const close = stage.startsWith('closed') ? day(2024, i * 7) : '';
    const name = i % 3 ? `Deal ${i}` : `"Acme ${i % 97}, Inc. - Renewal"`;
    const amount = i % 20 ? ((i * 7919) % 250000) / 4 : '';
    csv += `${10000000 + i},${name},${stage},${amount},${day(2023, i)},${close},Owner ${i % 50},Sales Pipeline,Source ${i % 9},Company ${i % 1500}\n`;
  }
  return new TextEncoder().encode(csv);
}

// Two reads of a 2,000-row file (0.1-0.2 s here, with making it): the first 1M-row run then takes
// 1.2-1.3 s instead of 1.6-1.7 s; larger warm-ups gained nothing more.
export function warmUp() {
  const file = warmUpFile(2000);
  for (let i = 0; i < 2; i++) bench_kpis(file);
}

export async function init() {
  await wasmInit({ module_or_path: new URL('crm_kpi_bg.wasm', import.meta.url) });
  warmUp();
  if (twoReaders) {
    workers = [spawn(), spawn()];
    await Promise.all(workers.map((w) => ask(w, { op: 'ready' })));
  }
}

export async function run(bytes) {
  const size = bytes.length;
  const mid = Math.floor(size / 2);
  const nl = workers.length && size >= bench_split_bytes() ? bytes.indexOf(10, mid) : -1;
  if (nl < 0 || nl + 1 >= size) {
    return bench_kpis(bytes);
  }
  const start = nl + 1;
  const [a, b] = workers;
  const head = bytes.slice(0, 64 * 1024);
  const rest = bytes.slice(start);
  const second = ask(b, { op: 'second', head, bytes: rest, size, start }, [rest.buffer]);
  const first = ask(a, { op: 'first', bytes, start }, [bytes.buffer]);
  const [{ part }] = await Promise.all([second, first]);
  const { result } = await ask(a, { op: 'join', part }, [part.buffer]);
  return result;
}
