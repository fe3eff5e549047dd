#!/usr/bin/env bash
# Executes notebooks with Jupyter's own nbconvert/nbclient (Debian's, under /usr/bin/python3) on the
# committed attnlab kernel spec, registered only in a temporary JUPYTER_PATH: the concept notebooks
# (notebooks/*.ipynb), one seed notebook, the first case study and test/runner/fixtures/good*.ipynb.
# nbconvert has no parameters, so each runs as a copy with `quick = true;` injected after its parameters
# cell (what papermill and `attnlab run -p quick true` do). Every notebook runs under attnlab's own runner
# in test/notebooks.test.ts; this script checks that Jupyter's client drives the same kernel. Also checks a
# copy installed by `attnlab kernel install --prefix`, and what nbconvert's HTML export shows (see the end).
# Fails on the first error. Needs `npm ci` first.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

python=/usr/bin/python3
if ! "$python" -c "import nbconvert, nbclient" 2>/dev/null; then
  echo "nbconvert-check: $python lacks nbconvert/nbclient (apt-get install jupyter-nbconvert python3-nbclient)" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"; find notebooks test/runner/fixtures -type d -name .nbconvert-quick -exec rm -rf {} +' EXIT
# The committed spec as it is (a symlink: the launcher finds this repo from its real location).
mkdir -p "$tmp/jupyter/kernels"
ln -s "$root/kernels/attnlab" "$tmp/jupyter/kernels/attnlab"
# A copy made by the installer, which records where this package lives.
node dist/cjs/cli.js kernel install --prefix "$tmp/prefix" --name attnlab-installed >/dev/null
export JUPYTER_PATH="$tmp/jupyter:$tmp/prefix/share/jupyter"
export JUPYTER_RUNTIME_DIR="$tmp/runtime"
export JUPYTER_CONFIG_DIR="$tmp/config"
export ATTNLAB_RECORDS_DIR="$tmp/records"

"$python" -c 'from jupyter_client.kernelspec import KernelSpecManager as M
for name, path in sorted(M().find_kernel_specs().items()): print("kernel spec", name, path)'

mapfile -t notebooks < <(
  {
    ls notebooks/*.ipynb
    ls notebooks/seeds/S001.ipynb
    ls notebooks/cases/*.ipynb 2>/dev/null | head -n 1
    ls test/runner/fixtures/good*.ipynb
  } | sort
)

# A copy of notebook $1 at $2 with `quick = true;` after its parameters cell (unchanged if it has none).
quick_copy() {
  "$python" - "$1" "$2" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
cells = nb["cells"]
for i, c in enumerate(cells):
    if "parameters" in c.get("metadata", {}).get("tags", []):
        cells.insert(i + 1, {"cell_type": "code", "id": "injected-quick", "metadata": {"tags": ["injected-parameters"]},
                             "execution_count": None, "outputs": [], "source": ["quick = true;"]})
        break
json.dump(nb, open(sys.argv[2], "w"), indent=1)
PY
}

run() {
  local kernel="$1" nb="$2"
  local out="$tmp/out/$kernel/$(dirname "$nb")"
  mkdir -p "$out" "$(dirname "$nb")/.nbconvert-quick"
  # The copy sits in a hidden subfolder of the notebook's folder, so the project and its node_modules resolve
  # as for the original.
  local copy
  copy="$(dirname "$nb")/.nbconvert-quick/$(basename "$nb")"
  quick_copy "$nb" "$copy" || return 1
  local started=$SECONDS log="$tmp/log.$kernel.${nb//\//_}"
  if ! "$python" -m jupyter nbconvert --to notebook --execute \
    --ExecutePreprocessor.kernel_name="$kernel" --ExecutePreprocessor.timeout=600 \
    --output-dir "$out" "$copy" 2>"$log"; then
    cat "$log" >&2
    echo "nbconvert-check: FAILED $nb (kernel $kernel)" >&2
    return 1
  fi
  echo "nbconvert-check: ok $nb (kernel $kernel, $((SECONDS - started)) s)"
}

# Two notebooks at a time (CI's two cores; each on its own kernel, and no two write the same file). A failed run
# leaves $tmp/failed; no new one starts after it, and the check fails once the running ones end.
for nb in "${notebooks[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || true; done
  [ ! -e "$tmp/failed" ] || break
  { run attnlab "$nb" || touch "$tmp/failed"; } &
done
wait
[ ! -e "$tmp/failed" ] || { echo "nbconvert-check: FAILED (see above)" >&2; exit 1; }
run attnlab-installed test/runner/fixtures/good.ipynb || exit 1
echo "nbconvert-check: ${#notebooks[@]} notebooks ok under nbconvert"

# Jupyter's HTML export of an executed notebook, checked for what it shows. Upstream nbconvert 6.5 (Debian's)
# empties every inline SVG (its cleaner strips SVG contents), so charts come out blank; each chart output also
# carries a PNG, which the export shows when told to prefer it. Math is left to MathJax, which the page loads
# from Debian's libjs-mathjax (file:///usr/share/javascript/mathjax): TeX source where that is not installed.
# `attnlab run --html` renders both itself (math with KaTeX, live charts over their SVG).
executed="$tmp/out/attnlab/notebooks/02-scoring-functions.ipynb"
png_first="['text/html','text/markdown','image/png','image/jpeg','image/svg+xml','text/latex','text/plain']"
"$python" -m jupyter nbconvert --to html --output-dir "$tmp/html" --output default "$executed" 2>"$tmp/log" ||
  { cat "$tmp/log" >&2; echo "nbconvert-check: FAILED nbconvert --to html" >&2; exit 1; }
"$python" -m jupyter nbconvert --to html --output-dir "$tmp/html" --output png-first \
  --NbConvertBase.display_data_priority="$png_first" "$executed" 2>"$tmp/log" ||
  { cat "$tmp/log" >&2; echo "nbconvert-check: FAILED nbconvert --to html (PNG first)" >&2; exit 1; }
"$python" - "$executed" "$tmp/html/default.html" "$tmp/html/png-first.html" <<'PY'
import json, os, re, sys
nb = json.load(open(sys.argv[1]))
charts = sum("image/svg+xml" in o.get("data", {}) and "image/png" in o.get("data", {})
             for c in nb["cells"] for o in c.get("outputs", []))
default, png_first = open(sys.argv[2]).read(), open(sys.argv[3]).read()
svgs = re.findall(r"<svg[\s\S]*?</svg>", default)
blank = sum(1 for s in svgs if not re.search(r"<(path|rect|line|text)\b", s))
pngs = len(re.findall(r'<img[^>]+src="data:image/png;base64,', png_first))
mathjax = re.search(r'src="([^"]*mathjax[^"]*)"', default, re.I)
local = mathjax and mathjax.group(1).startswith("file://")
has_mathjax = local and os.path.exists(mathjax.group(1)[len("file://"):].split("?")[0])
print(f"nbconvert-check: --to html: {charts} charts; default export: {blank} of {len(svgs)} inline SVGs blank "
      f"(upstream nbconvert strips SVG contents); with PNG first "
      f"(--NbConvertBase.display_data_priority): {pngs} of {charts} charts shown as PNG")
print("nbconvert-check: --to html: math is left to MathJax at "
      f"{mathjax.group(1) if mathjax else '(none)'}: "
      f"{'installed' if has_mathjax else 'not installed here, so formulas show as TeX (apt-get install libjs-mathjax)'}")
if charts == 0 or pngs != charts:
    sys.exit(f"nbconvert-check: FAILED: the PNG-first export shows {pngs} of {charts} charts")
PY
