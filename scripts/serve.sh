#!/usr/bin/env bash
# Install what is missing, build the app and serve it on http://127.0.0.1:8080 with the
# built-in sample loaded. Trunk watches the sources and rebuilds on change; Ctrl-C stops it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
export PATH="$root/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Panics name their source files, also in crates from the registry: written under fixed
# names, the module is the same bytes wherever the checkout and the cargo home are.
export RUSTFLAGS="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src=/crates --remap-path-prefix=$root=/crm-kpi"
exec trunk serve --release --address 127.0.0.1 --port "${PORT:-8080}"
