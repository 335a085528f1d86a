// A worker of crm-kpi's bench plug: reads one part of a file read in two (see entry.js).
import wasmInit, { bench_first_part, bench_second_part, bench_join_kpis } from './crm_kpi.js';
import { warmUp } from './entry.js';

// Started and warmed up as the plug's module on the page is (see entry.js).
const ready = wasmInit({ module_or_path: new URL('crm_kpi_bg.wasm', import.meta.url) }).then(warmUp);
// The first part read here, waiting for the second part's rows.
let first = null;

self.onmessage = async (e) => {
  await ready;
  const m = e.data;
  try {
    if (m.op === 'ready') {
      self.postMessage({ ok: true });
    } else if (m.op === 'first') {
      first = bench_first_part(m.bytes, m.start);
      self.postMessage({ ok: true });
    } else if (m.op === 'second') {
      const part = bench_second_part(m.head, m.bytes, m.size, m.start);
      self.postMessage({ part }, [part.buffer]);
    } else if (m.op === 'join') {
      const result = bench_join_kpis(first, m.part);
      first = null;
      self.postMessage({ result });
    }
  } catch (err) {
    self.postMessage({ error: String(err && err.message || err) });
  }
};
