#!/usr/bin/env bash
# Executes every notebook under notebooks/ (recursively) and test/runner/fixtures/good*.ipynb with
# Jupyter's own nbconvert/nbclient (Debian's, under /usr/bin/python3) on the committed attnlab kernel
# spec, registered only in a temporary JUPYTER_PATH. Also checks a copy installed by
# `attnlab kernel install --prefix`. Fails on the first error. Needs `npm ci` (or a build) first.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

python=/usr/bin/python3
if ! "$python" -c "import nbconvert, nbclient" 2>/dev/null; then
  echo "nbconvert-check: $python lacks nbconvert/nbclient (apt-get install jupyter-nbconvert python3-nbclient)" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The committed spec as it is (a symlink: the launcher finds this repo from its real location).
mkdir -p "$tmp/jupyter/kernels"
ln -s "$root/kernels/attnlab" "$tmp/jupyter/kernels/attnlab"
# A copy made by the installer, which records where this package lives.
node dist/cjs/cli.js kernel install --prefix "$tmp/prefix" --name attnlab-installed >/dev/null
export JUPYTER_PATH="$tmp/jupyter:$tmp/prefix/share/jupyter"
export JUPYTER_RUNTIME_DIR="$tmp/runtime"
export JUPYTER_CONFIG_DIR="$tmp/config"

"$python" -c 'from jupyter_client.kernelspec import KernelSpecManager as M
for name, path in sorted(M().find_kernel_specs().items()): print("kernel spec", name, path)'

mapfile -t notebooks < <(
  {
    find notebooks -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' 2>/dev/null || true
    ls test/runner/fixtures/good*.ipynb
  } | sort
)

run() {
  local kernel="$1" nb="$2"
  local out="$tmp/out/$kernel/$(dirname "$nb")"
  mkdir -p "$out"
  local started=$SECONDS
  if ! "$python" -m jupyter nbconvert --to notebook --execute \
    --ExecutePreprocessor.kernel_name="$kernel" --ExecutePreprocessor.timeout=600 \
    --output-dir "$out" "$nb" 2>"$tmp/log"; then
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

# The executed copies that attnlab's own runner writes must validate against nbformat 4's schema too.
node dist/cjs/cli.js run notebooks -o "$tmp/runner" -p quick true --timeout 120 >/dev/null 2>"$tmp/log" || {
  cat "$tmp/log" >&2
  exit 1
}
"$python" - "$tmp/runner" <<'PY'
import pathlib, sys, nbformat
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.ipynb"))
assert files, "the runner wrote no notebooks"
for f in files:
    nb = nbformat.read(str(f), as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    assert nb.nbformat == 4, f
    print(f"nbconvert-check: valid nbformat {nb.nbformat}.{nb.nbformat_minor}: {f.name}")
PY
