#!/usr/bin/env bash
# Install what is missing and run every test: formatting and lints (native and wasm32), the
# native engine and CLI tests, the wasm tests in headless Chromium, and the browser
# end-to-end tests against a release build of the page.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
export PATH="$root/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown --features api --lib --bins --test wasm -- -D warnings
cargo clippy -p crm-kpi-scan --target wasm32-unknown-unknown -- -D warnings

step "native tests (engine, CLI, docs)"
cargo test --workspace

step "wasm tests in headless Chromium"
cargo test --target wasm32-unknown-unknown --features web --test wasm

step "release build of the page and the CLI"
cargo build --release --bin crm-kpi
# Panics name their source files, also in crates from the registry: written under fixed
# names, the page's module is the same bytes (and size) wherever the checkout and the cargo
# home are. Only this build takes the flags: the others are not counted in the budget.
RUSTFLAGS="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src=/crates --remap-path-prefix=$root=/crm-kpi" \
  trunk build --release

step "browser end-to-end tests"
(cd tests/e2e && node --test)
