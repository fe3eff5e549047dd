#!/usr/bin/env bash
# Executes notebooks with Jupyter's own nbconvert/nbclient (Debian's, under /usr/bin/python3) on the
# committed attnlab kernel spec, registered only in a temporary JUPYTER_PATH: the concept notebooks
# (notebooks/*.ipynb), one seed notebook, the first case study and test/runner/fixtures/good*.ipynb.
# nbconvert has no parameters, so each runs as a copy with `quick = true;` injected after its parameters
# cell (what papermill and `attnlab run -p quick true` do). Every notebook runs under attnlab's own runner
# in test/notebooks.test.ts; this script checks that Jupyter's client drives the same kernel. Also checks a
# copy installed by `attnlab kernel install --prefix`. Fails on the first error. Needs `npm ci` first.
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
  quick_copy "$nb" "$copy"
  local started=$SECONDS
  if ! "$python" -m jupyter nbconvert --to notebook --execute \
    --ExecutePreprocessor.kernel_name="$kernel" --ExecutePreprocessor.timeout=600 \
    --output-dir "$out" "$copy" 2>"$tmp/log"; then
    cat "$tmp/log" >&2
    echo "nbconvert-check: FAILED $nb (kernel $kernel)" >&2
    exit 1
  fi
  echo "nbconvert-check: ok $nb (kernel $kernel, $((SECONDS - started)) s)"
}

for nb in "${notebooks[@]}"; do
  run attnlab "$nb"
done
run attnlab-installed test/runner/fixtures/good.ipynb
echo "nbconvert-check: ${#notebooks[@]} notebooks ok under nbconvert"
