#!/usr/bin/env bash
# The page built as the release is (scripts/serve.sh, trunk --release), but with the wasm
# modules' function names kept (wasm-opt -g), into DIR (target/names-dist by default): for a
# profiler of the page's own threads (tests/e2e/worker-profile.mjs, DIST=DIR). The names add
# to the modules' size, not to their code.
#   bash bench/names-build.sh [DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-$root/target/names-dist}"
bash scripts/setup.sh
export PATH="$root/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export RUSTFLAGS="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src=/crates --remap-path-prefix=$root=/crm-kpi"
# Trunk reads its links relative to the page, so the page with names sits beside index.html.
page="$root/.names-index.html"
trap 'rm -f "$page"' EXIT
sed 's/data-wasm-opt-params="/&-g /' index.html > "$page"
trunk build --release --dist "$out" "$page"
echo "built with names: $out"
