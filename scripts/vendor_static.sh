#!/usr/bin/env bash
# Refresh the vendored front-end assets in octopus/static/vendor/.
#
# Each package is fetched with `npm pack <name>@<exact version>` into a temp
# dir; only the built files the site uses (plus the package LICENSE) are
# copied. Trailing sourceMappingURL comments are stripped because the .map
# files are not vendored (Django's ManifestStaticFilesStorage would otherwise
# fail on the missing targets during collectstatic).
#
# vega-interpreter 2.x ships only an ES module that imports vega-util, so it
# is bundled here with esbuild into a small IIFE exposing the global
# `vegaInterpreter` (for a plain <script src> tag).
#
# Usage: scripts/vendor_static.sh   (needs node + npm)
set -euo pipefail

BOOTSTRAP_VERSION=5.3.8
HTMX_VERSION=2.0.11
VEGA_VERSION=6.4.0
VEGA_LITE_VERSION=6.5.0
VEGA_EMBED_VERSION=7.3.0
VEGA_INTERPRETER_VERSION=2.3.2
VEGA_UTIL_VERSION=2.1.3      # bundled into the vega-interpreter IIFE
ESBUILD_VERSION=0.28.2       # build tool only, not vendored
WORLD_ATLAS_VERSION=2.0.2

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/octopus/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# fetch NAME VERSION -> prints the extracted package dir
fetch() {
    local name=$1 version=$2 dir="$WORK/pack/$1" tgz
    mkdir -p "$dir"
    tgz="$(cd "$dir" && npm pack "$name@$version" --silent | tail -n 1)"
    tar -xzf "$dir/$tgz" -C "$dir"
    local got
    got="$(node -p "require('$dir/package/package.json').version")"
    [[ "$got" == "$version" ]] || { echo "$name: expected $version, got $got" >&2; exit 1; }
    echo "$dir/package"
}

# strip_sourcemap FILE: drop the sourceMappingURL comment (maps are not vendored)
strip_sourcemap() {
    sed -i -E 's@/[*/]# sourceMappingURL=[^ *]*( \*/)?@@' "$1"
}

# install NAME PKGDIR FILE... : copy files (flattened) + LICENSE into vendor/NAME/
install_files() {
    local name=$1 pkg=$2 out="$DEST/$1" f
    shift 2
    rm -rf "$out"
    mkdir -p "$out"
    for f in "$@"; do
        cp "$pkg/$f" "$out/"
        case "$f" in *.js | *.css) strip_sourcemap "$out/$(basename "$f")" ;; esac
    done
    cp "$pkg/LICENSE" "$out/LICENSE"
    echo "vendored $name -> ${out#"$ROOT"/}"
}

mkdir -p "$DEST"

pkg="$(fetch bootstrap "$BOOTSTRAP_VERSION")"
install_files bootstrap "$pkg" dist/css/bootstrap.min.css dist/js/bootstrap.bundle.min.js

pkg="$(fetch htmx.org "$HTMX_VERSION")"
install_files htmx.org "$pkg" dist/htmx.min.js

pkg="$(fetch vega "$VEGA_VERSION")"
install_files vega "$pkg" build/vega.min.js

pkg="$(fetch vega-lite "$VEGA_LITE_VERSION")"
install_files vega-lite "$pkg" build/vega-lite.min.js

pkg="$(fetch vega-embed "$VEGA_EMBED_VERSION")"
install_files vega-embed "$pkg" build/vega-embed.min.js

pkg="$(fetch world-atlas "$WORLD_ATLAS_VERSION")"
install_files world-atlas "$pkg" countries-110m.json

# vega-interpreter: build a browser IIFE (global `vegaInterpreter`).
build="$WORK/interpreter"
mkdir -p "$build"
(
    cd "$build"
    echo '{"name": "vendor-build", "private": true}' > package.json
    npm install --silent --no-save --no-package-lock \
        "vega-interpreter@$VEGA_INTERPRETER_VERSION" \
        "vega-util@$VEGA_UTIL_VERSION" \
        "esbuild@$ESBUILD_VERSION" >/dev/null
    echo "export { expressionInterpreter } from 'vega-interpreter';" > entry.mjs
    ./node_modules/.bin/esbuild entry.mjs --bundle --minify --format=iife \
        --global-name=vegaInterpreter --target=es2020 --legal-comments=none \
        --log-level=warning \
        --banner:js="/*! vega-interpreter $VEGA_INTERPRETER_VERSION (vega-util $VEGA_UTIL_VERSION) | BSD-3-Clause | IIFE build by scripts/vendor_static.sh */" \
        --outfile=vega-interpreter.min.js
    got="$(node -p "require('./node_modules/vega-interpreter/package.json').version")"
    [[ "$got" == "$VEGA_INTERPRETER_VERSION" ]] || { echo "vega-interpreter: got $got" >&2; exit 1; }
    # The whole point of the interpreter is CSP safety: refuse eval/Function.
    if grep -Eq '(^|[^A-Za-z0-9_$.])(eval\(|Function\()' vega-interpreter.min.js; then
        echo "vega-interpreter build contains eval/Function" >&2
        exit 1
    fi
)
out="$DEST/vega-interpreter"
rm -rf "$out"
mkdir -p "$out"
cp "$build/vega-interpreter.min.js" "$out/"
cp "$build/node_modules/vega-interpreter/LICENSE" "$out/LICENSE"
echo "vendored vega-interpreter -> ${out#"$ROOT"/}"

echo "done: $(find "$DEST" -type f | wc -l) files under ${DEST#"$ROOT"/}"
