#!/usr/bin/env bash
# Build the bench module of the crm-kpi tree in SRC into OUT: the crate's JS module
# (`--features api`) through wasm-bindgen and wasm-opt, with bench/entry.js and
# bench/worker.js of that tree beside it. bench/run.sh and bench/ab.sh build with it.
#   bash bench/build.sh SRC OUT
# PROFILE=release (default: size first, wasm-opt -Oz, as the shipped worker) or bench (speed
# first, -O3); WORKERS=auto|1|2 (how many workers entry.js reads a large file with);
# CARGO_TARGET_DIR as cargo takes it; REMAP=1 writes SRC as /crm-kpi in the module (panics
# name their source files), so that two trees of the same code build the same bytes; NAMES=1
# keeps the functions' names in the module, for a profiler (bench/profile.sh).
# Needs wasm-bindgen and wasm-opt on PATH (scripts/setup.sh installs them).
set -euo pipefail
src="$(cd "$1" && pwd)"
out="$2"
profile="${PROFILE:-release}"
opt=-Oz; [ "$profile" = release ] || opt=-O3
target="${CARGO_TARGET_DIR:-$src/target}"
(
  cd "$src"
  if [ -n "${REMAP:-}" ]; then export RUSTFLAGS="--remap-path-prefix=$src=/crm-kpi"; fi
  CARGO_TARGET_DIR="$target" cargo build --lib --profile "$profile" --target wasm32-unknown-unknown --features api
)
rm -rf "$out" && mkdir -p "$out"
# Cargo's built-in bench profile writes to target/…/release, like the release profile.
dir="$profile"; [ "$profile" = bench ] && dir=release
wasm-bindgen --target web --out-dir "$out" "$target/wasm32-unknown-unknown/$dir/crm_kpi.wasm"
names=(); [ -n "${NAMES:-}" ] && names=(-g)
wasm-opt "$opt" "${names[@]}" --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue "$out/crm_kpi_bg.wasm" -o "$out/crm_kpi_bg.wasm"
cp "$src/bench/worker.js" "$out/"
sed "s/^const WORKERS = 'auto';/const WORKERS = '${WORKERS:-auto}';/" "$src/bench/entry.js" > "$out/entry.js"
