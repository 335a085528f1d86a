// crm-kpi as a contender of ../shared/bench: the wasm-bindgen module built with the `api`
// feature (bench/run.sh puts this file next to crm_kpi.js and crm_kpi_bg.wasm).
import wasmInit, { bench_kpis } from './crm_kpi.js';

export async function init() {
  await wasmInit({ module_or_path: new URL('crm_kpi_bg.wasm', import.meta.url) });
}

export async function run(bytes) {
  return bench_kpis(bytes);
}
