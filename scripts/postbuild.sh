#!/usr/bin/env bash
# Trunk's post-build hook: what the page's build does not make by itself, written into the
# staging directory before it becomes dist/.
#   embed.html  the page for a host's <iframe> (the same page; it goes compact by its name)
#   embed.js    the script that mounts the app into a host's elements (the hashed names filled in)
#   sw.js       the service worker that keeps the app's files for offline use
#   api/        the JS API, an ES module built with wasm-bindgen (analyze, recommend, catalogue)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
cd "$out"

one() { # the one staged file matching a pattern, or fail saying which is missing
  local f; f="$(ls $1 2>/dev/null | head -n1)"
  [ -n "$f" ] || { echo "postbuild: no $1 in $out" >&2; exit 1; }
  printf '%s' "$f"
}
js="$(one 'app-*.js')"; wasm="$(one 'app-*_bg.wasm')"; css="$(one 'style-*.css')"

cp index.html embed.html
sed -e "s|__APP_JS__|$js|" -e "s|__APP_WASM__|$wasm|" -e "s|__APP_CSS__|$css|" "$root/www/embed.js" > embed.js

# The service worker keeps the page's files when it is installed, and the formats worker's
# (about 400 KB gzipped, needed only for workbooks, other encodings and dialects) the first
# time the page fetches them: a first visit downloads the app alone.
files=(./ index.html embed.html "$js" "$wasm" "$css" sample-deals.csv)
lazy=()
for f in formats.js formats_bg.wasm; do [ -f "$f" ] && lazy+=("$f"); done
list="$(printf '"%s",' "${files[@]}")"
later="$(printf '"%s",' "${lazy[@]}")"
version="$(cat "$js" "$wasm" "$css" sample-deals.csv $( [ -f formats_bg.wasm ] && echo formats_bg.wasm ) | sha256sum | cut -c1-16)"
# Its comments are for this repository, not for every visitor's download.
sed -e "s|__VERSION__|$version|" -e "s|__FILES__|[${list%,}]|" -e "s|__LATER__|[${later%,}]|" \
  -e '/^ *\/\//d' "$root/www/sw.js" > sw.js

# The JS API: the library with its wasm-bindgen exports, size first like the page.
profile=release; [ "${TRUNK_PROFILE:-}" = release ] || profile=dev
dir=release; [ "$profile" = dev ] && dir=debug
(cd "$root" && cargo build --quiet --lib --profile "$profile" --target wasm32-unknown-unknown --features api)
mkdir -p api
# Where cargo put it: its target directory may be set elsewhere (CARGO_TARGET_DIR).
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
wasm-bindgen --target web --out-dir api "$target/wasm32-unknown-unknown/$dir/crm_kpi.wasm"
if [ "$profile" = release ]; then
  wasm-opt -Oz --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue api/crm_kpi_bg.wasm -o api/crm_kpi_bg.wasm
fi
