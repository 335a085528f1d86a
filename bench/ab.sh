#!/usr/bin/env bash
# The bench module of a git revision (a) against the working tree's (b), both in one page,
# run in turn on the bench's 1M-row file (tests/e2e/ab.mjs): the way the README's "both builds
# in one page" figures are measured.
#   bash bench/ab.sh REV [ROUNDS]     # e.g. bash bench/ab.sh HEAD~1 24
#   FILE=path/to.csv bash bench/ab.sh REV   # another file
# Both modules are built as bench/run.sh builds them (release profile, wasm-opt -Oz) and read
# with one worker. REV is checked out in target/ab/src (a git worktree); the builds land in
# target/ab/a and target/ab/b.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rev="${1:?usage: bash bench/ab.sh REV [ROUNDS]}"
rounds="${2:-16}"
bash scripts/setup.sh
export PATH="$root/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
out="$root/target/ab"
mkdir -p "$out"

# build SOURCE_DIR NAME: the bench module of the tree in SOURCE_DIR into $out/NAME. Each
# build has a target directory of its own, and the tree's path is written as /crm-kpi in the
# module (panics name their source files): two builds of the same code are the same bytes,
# so a difference between a and b is the code's, not where its strings happen to fall.
build() {
  local src="$1" pkg="$out/$2" target="$out/target-$2"
  (cd "$src" && CARGO_TARGET_DIR="$target" RUSTFLAGS="--remap-path-prefix=$src=/crm-kpi" \
    cargo build --quiet --lib --release --target wasm32-unknown-unknown --features api)
  rm -rf "$pkg" && mkdir -p "$pkg"
  wasm-bindgen --target web --out-dir "$pkg" "$target/wasm32-unknown-unknown/release/crm_kpi.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$pkg/crm_kpi_bg.wasm" -o "$pkg/crm_kpi_bg.wasm"
  cp "$src/bench/worker.js" "$pkg/"
  sed "s/^const WORKERS = 'auto';/const WORKERS = '1';/" "$src/bench/entry.js" > "$pkg/entry.js"
}

commit="$(git rev-parse --verify "$rev^{commit}")"
if [ -d "$out/src" ]; then
  git -C "$out/src" checkout --quiet --detach "$commit"
else
  # A worktree whose folder went with a `cargo clean` is forgotten first.
  git worktree prune
  git worktree add --quiet --detach "$out/src" "$commit"
fi
build "$out/src" a
echo "$(git log -1 --format='%h %s' "$commit" | cut -c1-72)" > "$out/a/BUILD"
build "$root" b
echo "working tree at $(git log -1 --format=%h)$(git diff --quiet HEAD || echo ', changed')" > "$out/b/BUILD"

file="${FILE:-$out/data/deals_1m.csv}"
if [ -z "${FILE:-}" ] && [ ! -f "$file" ]; then
  node "$root/../shared/bench/gen_deals.mjs" --sizes 1M --out "$out/data"
fi
ln -sf "$(cd "$(dirname "$file")" && pwd)/$(basename "$file")" "$out/data.csv"
node tests/e2e/ab.mjs "$out" "$rounds"
