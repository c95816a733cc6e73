#!/usr/bin/env bash
# Regenerate the vendored JavaScript in _static/ from the npm registry, so that charts and math
# render with no network: one _static/vega-offline.js (vega, vega-lite at altair's version,
# vega-embed, and the VEGA_DEBUG preset that stops altair's loader from fetching them from a CDN),
# and _vendor/mathjax/ (MathJax 3 in _vendor/mathjax, outside _static because Jupyter Book adds every script in _static to every page: the tex-mml-chtml component, its fonts and TeX extensions).
# Usage: scripts/vendor_js.sh   (needs npm and the project's .venv with altair installed)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
VEGA=6.2.0
EMBED=7.3.0
MATHJAX=3.2.2
VEGALITE=$("$PY" -c 'import altair; print(altair.VEGALITE_VERSION)')
PRESET=$("$PY" -c 'import altair, json; print(json.dumps({"vega_version": altair.VEGA_VERSION, "vegalite_version": altair.VEGALITE_VERSION, "vegaembed_version": altair.VEGAEMBED_VERSION}))')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for pkg in "vega@$VEGA" "vega-lite@$VEGALITE" "vega-embed@$EMBED" "mathjax@$MATHJAX"; do
  (cd "$work" && npm pack --silent "$pkg" >/dev/null)
done
for tgz in "$work"/*.tgz; do
  d="$work/$(basename "$tgz" .tgz)"; mkdir -p "$d"; tar xzf "$tgz" -C "$d"
done

out=_static/vega-offline.js
tmp=$(mktemp "_static/.vega-offline.XXXX")
{
  echo "/* Vendored for offline use by scripts/vendor_js.sh; do not edit."
  echo "   vega@$VEGA, vega-lite@$VEGALITE, vega-embed@$EMBED: BSD-3-Clause, (c) the Vega project."
  echo "   VEGA_DEBUG tells altair's HTML loader these libraries are already present. */"
  cat "$work/vega-$VEGA/package/build/vega.min.js"; echo ";"
  cat "$work/vega-lite-$VEGALITE/package/build/vega-lite.min.js"; echo ";"
  cat "$work/vega-embed-$EMBED/package/build/vega-embed.min.js"; echo ";"
  echo "window.VEGA_DEBUG = Object.assign(window.VEGA_DEBUG || {}, $PRESET);"
} | sed -e 's|//# sourceMappingURL=.*$||' > "$tmp"
chmod 644 "$tmp"
mv "$tmp" "$out"

mj="$work/mathjax-$MATHJAX/package/es5"
rm -rf _vendor/mathjax.new && mkdir -p _vendor/mathjax.new/output/chtml/fonts _vendor/mathjax.new/input/tex
cp "$mj/tex-mml-chtml.js" _vendor/mathjax.new/
cp -r "$mj/output/chtml/fonts/woff-v2" _vendor/mathjax.new/output/chtml/fonts/
cp -r "$mj/input/tex/extensions" _vendor/mathjax.new/input/tex/
cp "$work/mathjax-$MATHJAX/package/LICENSE" _vendor/mathjax.new/LICENSE
rm -rf _vendor/mathjax && mv _vendor/mathjax.new _vendor/mathjax
echo "wrote $out (vega $VEGA, vega-lite $VEGALITE, vega-embed $EMBED) and _vendor/mathjax/ (MathJax $MATHJAX)"
