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

# build SOURCE_DIR NAME: the bench module of the tree in SOURCE_DIR into $out/NAME, read with
# one worker. Each build has a target directory of its own and writes its tree's path alike
# (bench/build.sh's REMAP): two builds of the same code are the same bytes, so a difference
# between a and b is the code's, not where its strings happen to fall.
build() {
  CARGO_TARGET_DIR="$out/target-$2" REMAP=1 WORKERS=1 PROFILE=release \
    bash "$root/bench/build.sh" "$1" "$out/$2"
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
