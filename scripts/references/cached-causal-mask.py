#!/usr/bin/env python3
"""Writes test/fixtures/pytorch/cached-causal-mask.json: PyTorch's causal masks for T queries over S keys with a
query offset, and the masked scaled-dot-product attention through them, the reference that
test/math/kvCache.test.ts compares attnlab's `causalMask(T, S, queryOffset)` and `attend(..., { mask: { causal:
true, queryOffset } })` to (1e-9).

For each case (T, S, offset) it stores the inputs (queries [T, d], keys [S, d], values [S, d_v], float32 values
drawn from a seeded torch.Generator) and, in float64:
  mask    = torch.tril(torch.ones(T, S), diagonal=offset) > 0     (query i sees keys j <= i + offset)
  weights = softmax(Q K^T / sqrt(d) masked to -inf where mask is false), a fully masked row set to 0
  output  = weights V
offset = 0 is the top-left alignment (torch's is_causal=True / tril(ones(T, S))); offset = S - T is the
bottom-right one of cached decoding (torch.nn.attention.bias.CausalVariant.LOWER_RIGHT). A negative offset masks
whole rows, which attnlab gives weight 0 (torch's softmax would give NaN there, hence the explicit 0).
Used only to make references: PyTorch is not a dependency of attnlab, and CI never runs this script. Run it
under the system Python that has Debian's PyTorch:

  apt-get install -y --no-install-recommends python3-torch
  /usr/bin/python3 scripts/references/cached-causal-mask.py
  npx biome format --write test/fixtures/pytorch/cached-causal-mask.json   # the repo's JSON layout
"""
import json
import math
import os
import platform
import subprocess
import sys

import torch

SEED = 13
# name, T, S, offset, d, d_v
CASES = [
    ("T3 S3 offset 0 (square)", 3, 3, 0, 4, 3),
    ("T2 S5 offset 0 (top-left)", 2, 5, 0, 4, 3),
    ("T2 S5 offset 3 (bottom-right)", 2, 5, 3, 4, 3),
    ("T1 S4 offset 3 (one cached step)", 1, 4, 3, 4, 2),
    ("T3 S6 offset 3 (bottom-right)", 3, 6, 3, 2, 3),
    ("T3 S6 offset 1", 3, 6, 1, 2, 3),
    ("T3 S4 offset -1 (row 0 fully masked)", 3, 4, -1, 3, 2),
]


def make_case(generator, name, t, s, offset, d, dv):
    q32 = torch.randn(t, d, generator=generator).to(torch.float32)
    k32 = torch.randn(s, d, generator=generator).to(torch.float32)
    v32 = torch.randn(s, dv, generator=generator).to(torch.float32)
    q, k, v = (x.to(torch.float64) for x in (q32, k32, v32))
    mask = torch.tril(torch.ones(t, s, dtype=torch.float64), diagonal=offset) > 0
    scores = (q @ k.T) / math.sqrt(d)
    masked = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(masked, dim=-1)
    weights = torch.where(mask.any(dim=-1, keepdim=True), weights, torch.zeros_like(weights))
    output = weights @ v
    return {
        "name": name,
        "T": t,
        "S": s,
        "queryOffset": offset,
        "queries": q32.tolist(),
        "keys": k32.tolist(),
        "values": v32.tolist(),
        "mask": mask.tolist(),
        "weights": weights.tolist(),
        "output": output.tolist(),
    }


def debian_package_version():
    """The installed python3-torch package version (torch.__version__ of Debian's build reads 1.13.0a0)."""
    try:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "python3-torch"], capture_output=True, text=True, check=True
        )
        return done.stdout.strip() or None
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    generator = torch.Generator().manual_seed(SEED)
    cases = [make_case(generator, *c) for c in CASES]
    out = {
        "description": "PyTorch references for causal masks with a query offset "
        "(torch.tril(ones(T, S), diagonal=offset)) and scaled-dot-product attention through them, float64",
        "generator": "scripts/references/cached-causal-mask.py",
        "torch": torch.__version__,
        "torchPackage": debian_package_version(),
        "python": platform.python_version(),
        "seed": SEED,
        "dtype": "float64 (inputs are float32 values)",
        "cases": cases,
    }
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(root, "test", "fixtures", "pytorch", "cached-causal-mask.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)
    print(f"wrote {os.path.relpath(path, root)}: {len(cases)} cases, torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
