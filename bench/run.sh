#!/usr/bin/env bash
# Build crm-kpi's JS module and run ../shared/bench with it beside DuckDB-WASM and PapaParse.
#   bash bench/run.sh                 # sizes 100k,1M
#   bash bench/run.sh --sizes 10k     # any arguments go to the harness's run.mjs
# The harness is copied to target/shared-bench (../shared is read-only); results land in
# target/shared-bench/results/latest.{json,md}.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
export PATH="$root/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# WORKERS=1|2|auto: how many workers read a large file, as the page's `workers` setting
# (auto: two with four cores or more).
# By default the module is built as the shipped worker is: the release profile (size first),
# then wasm-opt -Oz. PROFILE=bench builds it speed first (opt-level 3, wasm-opt -O3) to
# measure what the size-first choice costs.
pkg="$root/target/bench-pkg"
bash bench/build.sh "$root" "$pkg"

harness="$root/target/shared-bench"
if [ ! -f "$harness/package.json" ] || ! diff -q "$root/../shared/bench/package-lock.json" "$harness/package-lock.json" >/dev/null; then
  rm -rf "$harness" && mkdir -p "$harness"
  (cd "$root/../shared/bench" && tar --exclude=node_modules --exclude=data --exclude=build --exclude=results -cf - .) | (cd "$harness" && tar -xf -)
  chmod -R u+w "$harness"
  (cd "$harness" && npm ci --no-audit --no-fund --loglevel=error)
fi
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--sizes 100k,1M)
cd "$harness"
node run.mjs "${args[@]}" --contender "crm-kpi=$pkg/entry.js"
