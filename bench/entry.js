// crm-kpi as a contender of ../shared/bench: the wasm-bindgen module built with the `api`
// feature (bench/run.sh puts this file and worker.js next to crm_kpi.js and crm_kpi_bg.wasm).
// A file is read as the page reads it. With two readers (the page's `workers` setting: by
// default when the device has four cores or more; `WORKERS=2 bash bench/run.sh` forces them,
// `WORKERS=1` turns them off), a file of `bench_split_bytes()` or more is read by two workers at once:
// one from the start up to the first line after the middle, one from there on; the first
// joins the second's rows to its own and computes the KPIs. Otherwise it is read here.
import wasmInit, { bench_kpis, bench_split_bytes } from './crm_kpi.js';

const WORKERS = 'auto';
const twoReaders = WORKERS === '2' || (WORKERS === 'auto' && navigator.hardwareConcurrency >= 4);
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

export async function init() {
  await wasmInit({ module_or_path: new URL('crm_kpi_bg.wasm', import.meta.url) });
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
