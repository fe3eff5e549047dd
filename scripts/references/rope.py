#!/usr/bin/env python3
"""Writes test/fixtures/pytorch/rope.json: rotary position embeddings computed by PyTorch in float64, the reference
that test/math/rope.test.ts compares attnlab's `applyRope` to (1e-9).

Two independent formulations, as the models that use them write them:
  interleaved  RoFormer / the original LLaMA code: pairs (2i, 2i+1) viewed as complex numbers and multiplied by
               exp(i · p · θ_i) (torch.view_as_complex, torch.polar);
  half         GPT-NeoX / Hugging Face LLaMA: x · cos + rotate_half(x) · sin, with rotate_half(x) = [−x₂, x₁]
               for the halves x₁ = x[..., :D/2], x₂ = x[..., D/2:], cos and sin repeated over both halves.
θ_i = base^(−2i/D). For each case it also stores the scores q̃ k̃ᵀ of rotated queries and keys at given positions,
which depend only on the positions' differences. Inputs are drawn in float64 from a seeded torch.Generator and
stored with 17 significant digits, so the test reads back the very same numbers. PyTorch is not a dependency of
attnlab and CI never runs this script; run it under the system Python that has Debian's PyTorch:

  apt-get install -y --no-install-recommends python3-torch
  /usr/bin/python3 scripts/references/rope.py
  npx biome format --write test/fixtures/pytorch/rope.json   # the repo's JSON layout
"""
import json
import os
import platform
import sys

import torch

SEED = 19
# name, T, D, base, positions (None: 0 … T−1)
CASES = [
    ("small", 4, 4, 10000.0, None),
    ("wide", 6, 16, 10000.0, None),
    ("base-100", 5, 8, 100.0, None),
    ("offset-positions", 3, 8, 10000.0, [7.0, 8.0, 9.0]),
    ("far-positions", 3, 6, 10000.0, [1000.0, 4096.0, 65535.0]),
]


def frequencies(d, base):
    return base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)  # [D/2]


def rope_interleaved(x, positions, base):
    d = x.shape[-1]
    angles = torch.outer(positions, frequencies(d, base))  # [T, D/2]
    rot = torch.polar(torch.ones_like(angles), angles)  # exp(i·angle)
    pairs = torch.view_as_complex(x.reshape(*x.shape[:-1], d // 2, 2).contiguous())
    return torch.view_as_real(pairs * rot).reshape(x.shape)


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def rope_half(x, positions, base):
    d = x.shape[-1]
    angles = torch.outer(positions, frequencies(d, base))
    emb = torch.cat((angles, angles), dim=-1)  # [T, D]
    return x * emb.cos() + rotate_half(x) * emb.sin()


def main():
    g = torch.Generator().manual_seed(SEED)
    cases = []
    for name, t, d, base, pos in CASES:
        x = torch.randn(t, d, generator=g, dtype=torch.float64)
        k = torch.randn(t, d, generator=g, dtype=torch.float64)
        positions = torch.arange(t, dtype=torch.float64) if pos is None else torch.tensor(pos, dtype=torch.float64)
        case = {"name": name, "base": base, "positions": positions.tolist(), "x": x.tolist(), "keys": k.tolist()}
        for layout, f in (("interleaved", rope_interleaved), ("half", rope_half)):
            qr, kr = f(x, positions, base), f(k, positions, base)
            case[layout] = {"output": qr.tolist(), "keysOutput": kr.tolist(), "scores": (qr @ kr.T).tolist()}
        cases.append(case)
    out = {
        "generator": "scripts/references/rope.py",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "seed": SEED,
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "pytorch", "rope.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(path)}: {len(cases)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
