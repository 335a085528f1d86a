#!/usr/bin/env bash
# Installs whatever the build and the tests need and is missing; skips what is there.
# Safe to run again: every step checks first. Used by scripts/serve.sh and scripts/test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

TRUNK_VERSION=0.22.1
log() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock (Cargo.toml pins it with `=`).
wasm_bindgen_version() {
  if [ -f Cargo.lock ]; then
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
  else
    sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml | head -n1
  fi
}

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  # trunk 0.22.x declares a newer rust-version than the toolchain here; it builds and runs fine.
  log "installing trunk $TRUNK_VERSION (about 10 minutes the first time)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --ignore-rust-version
fi

wb="$(wasm_bindgen_version)"
if [ -z "$wb" ]; then echo "setup: cannot tell the wasm-bindgen version from Cargo.lock/Cargo.toml" >&2; exit 1; fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb" ]; then
  log "installing wasm-bindgen-cli $wb (about 2.5 minutes)"
  # --locked fails against this registry (a locked dependency version is missing), so try it
  # first and fall back to a fresh resolution.
  cargo install wasm-bindgen-cli --version "$wb" --locked 2>/dev/null \
    || cargo install wasm-bindgen-cli --version "$wb" --force
fi

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
# A CJK font, so that screenshots of the Chinese page show characters, not boxes.
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto | grep -q CJK || need_apt+=(fonts-noto-cjk)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]} from Debian"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Browser-test packages and the one wasm-opt that reads current rustc output (npm binaryen@132).
if [ ! -x tests/e2e/node_modules/.bin/wasm-opt ] || [ ! -d tests/e2e/node_modules/playwright-core ] \
   || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
  log "installing the npm packages of the browser tests"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

# Trunk runs cargo offline, so every crate must be in the local registry beforehand.
cargo fetch --quiet
log "toolchain ready"
