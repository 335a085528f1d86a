#!/usr/bin/env bash
# Where the bench module's time goes in the browser: the working tree's bench module, built as
# bench/run.sh builds it but with its functions' names kept (bench/build.sh's NAMES), run on the
# bench's 1M-row file in headless Chromium under the sampling profiler
# (tests/e2e/wasm-profile.mjs). Prints the median of each step (reading, typing, the report and
# its conversion) and the functions that took the most time of their own, per run.
#   bash bench/profile.sh [ROUNDS]          # 5 profiled runs by default
#   FILE=path/to.csv bash bench/profile.sh   # another file
#   ROLE=stage bash bench/profile.sh         # a change of a column's meaning instead
#                                            # (the column left unused, on the whole range;
#                                            # PERIOD=2025-03 at a month, BACK=1 the column
#                                            # given back, WARM=, PRE=: see
#                                            # tests/e2e/wasm-profile.mjs)
# The names add to the module's size, not to its code: the code is the shipped module's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-5}"
bash scripts/setup.sh
export PATH="$root/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
out="$root/target/profile"
mkdir -p "$out"
CARGO_TARGET_DIR="$root/target/ab/target-b" REMAP=1 NAMES=1 WORKERS=1 PROFILE=release \
  bash "$root/bench/build.sh" "$root" "$out/m"
file="${FILE:-$root/target/ab/data/deals_1m.csv}"
if [ -z "${FILE:-}" ] && [ ! -f "$file" ]; then
  node "$root/../shared/bench/gen_deals.mjs" --sizes 1M --out "$root/target/ab/data"
fi
ln -sf "$(cd "$(dirname "$file")" && pwd)/$(basename "$file")" "$out/data.csv"
node tests/e2e/wasm-profile.mjs "$out" "$rounds"
