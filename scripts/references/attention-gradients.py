#!/usr/bin/env python3
"""Writes test/fixtures/pytorch/attention-gradients.json: PyTorch float64 autograd references for the softmax
Jacobian and for the gradients of single-head attention, which test/math/attentionGradientsPytorch.test.ts
compares attnlab's `softmaxJacobian` and `attendBackward` to (1e-9).

softmax cases: logits z [n], temperature tau; p = softmax(z / tau) and
  jacobian = torch.autograd.functional.jacobian(lambda z: softmax(z / tau), z)       [n, n]
attention cases: queries Q [T, d], keys K [S, d], values V [S, dv], dOutput [T, dv], the attnlab options
(score, scale, temperature, mask) and the score parameters; PyTorch computes, as attnlab's `attend` defines it,
  S = score(Q, K)   (dot / scaledDot: Q Kᵀ; general: Q W Kᵀ; additive: v·tanh(q_i Wq + k_j Wk); cosine)
  z = S * scale / temperature;  masked entries (mask false) -> -inf;  P = row softmax of z
  rows with no allowed key: P = 0 (attnlab's definition; computed without NaN by giving such rows finite logits
  and multiplying P by 0 afterwards);  O = P V;  L = sum(O * dOutput)
and stores dQueries, dKeys, dValues, dWeights (dL/dP), dScores (dL/dS, the raw scores), the score parameters'
gradients, the mask it used (a boolean [T, S]) and O. The inputs are drawn in float64 from a seeded
torch.Generator; JSON keeps every float64 exactly. Used only to make references: PyTorch is not a dependency of
attnlab, and CI never runs this script. Run it under the system Python that has Debian's PyTorch:

  apt-get install -y --no-install-recommends python3-torch
  /usr/bin/python3 scripts/references/attention-gradients.py
  npx biome format --write test/fixtures/pytorch/attention-gradients.json   # the repo's JSON layout
"""
import json
import math
import os
import platform
import subprocess
import sys

import torch

SEED = 19
torch.set_default_dtype(torch.float64)

# name, logits length, temperature, logit scale
SOFTMAX_CASES = [
    ("n4 tau 1", 4, 1.0, 1.0),
    ("n5 tau 0.5", 5, 0.5, 1.0),
    ("n6 tau 3", 6, 3.0, 1.0),
    ("n5 saturated (logits x20)", 5, 1.0, 20.0),
]

# name, T, S, d, dv, attnlab options without the score parameters (hidden size 5 for additive)
ATTENTION_CASES = [
    ("dot, no mask", 3, 4, 3, 2, {"score": "dot"}),
    ("scaledDot (1/sqrt d), no mask", 3, 4, 4, 3, {"score": "scaledDot"}),
    ("scaledDot, scale 0.3, temperature 2", 3, 5, 4, 2, {"score": "scaledDot", "scale": 0.3, "temperature": 2}),
    ("scaledDot, padding validLens [2, 4, 1]", 3, 4, 3, 2, {"score": "scaledDot", "mask": {"validLens": [2, 4, 1]}}),
    ("scaledDot, causal, temperature 0.5", 4, 4, 3, 2, {"score": "scaledDot", "temperature": 0.5, "mask": {"causal": True}}),
    (
        "scaledDot, padding + causal with a fully masked row",
        4, 5, 3, 3, {"score": "scaledDot", "mask": {"validLens": [3, 0, 5, 2], "causal": True}},
    ),
    ("dot, local window 1, scale 0.5", 4, 4, 2, 2, {"score": "dot", "scale": 0.5, "mask": {"window": 1}}),
    ("general, no mask", 3, 4, 3, 2, {"score": "general"}),
    ("general, causal, scale 0.7, temperature 1.5", 4, 4, 3, 2, {"score": "general", "scale": 0.7, "temperature": 1.5, "mask": {"causal": True}}),
    ("additive, no mask", 3, 4, 3, 2, {"score": "additive"}),
    ("additive, padding validLens [1, 3, 4], temperature 0.7", 3, 4, 3, 2, {"score": "additive", "temperature": 0.7, "mask": {"validLens": [1, 3, 4]}}),
    ("cosine, no mask, scale 4", 3, 4, 3, 2, {"score": "cosine", "scale": 4}),
    ("cosine, causal, temperature 0.25", 4, 4, 3, 2, {"score": "cosine", "temperature": 0.25, "mask": {"causal": True}}),
]
HIDDEN = 5


def mask_of(spec, t, s):
    """attnlab's mask: padding (j < validLens[i]), causal (j <= i), window (|i - j| <= w), combined with AND."""
    keep = torch.ones(t, s, dtype=torch.bool)
    if spec is None:
        return keep
    i = torch.arange(t).reshape(t, 1)
    j = torch.arange(s).reshape(1, s)
    if "validLens" in spec:
        keep &= j < torch.tensor(spec["validLens"]).reshape(t, 1)
    if spec.get("causal"):
        keep &= j <= i
    if "window" in spec:
        keep &= (i - j).abs() <= spec["window"]
    return keep


def scores_of(score, q, k, params):
    if score in ("dot", "scaledDot"):
        return q @ k.T
    if score == "general":
        return q @ params["w"] @ k.T
    if score == "additive":
        a = (q @ params["wq"]).unsqueeze(1)  # [T, 1, h]
        b = (k @ params["wk"]).unsqueeze(0)  # [1, S, h]
        return torch.tanh(a + b) @ params["v"]  # [T, S]
    if score == "cosine":
        return (q / q.norm(dim=1, keepdim=True)) @ (k / k.norm(dim=1, keepdim=True)).T
    raise ValueError(score)


def attention_case(g, name, t, s, d, dv, options):
    draw = lambda *shape: torch.randn(*shape, generator=g)
    q, k, v, d_out = draw(t, d), draw(s, d), draw(s, dv), draw(t, dv)
    score = options["score"]
    params = {}
    if score == "general":
        params = {"w": draw(d, d) * 0.5}
    if score == "additive":
        params = {"wq": draw(d, HIDDEN) * 0.5, "wk": draw(d, HIDDEN) * 0.5, "v": draw(HIDDEN)}
    for x in [q, k, v, *params.values()]:
        x.requires_grad_(True)
    scale = options.get("scale", 1 / math.sqrt(d) if score == "scaledDot" else 1.0)
    temperature = options.get("temperature", 1.0)
    keep = mask_of(options.get("mask"), t, s)
    scores = scores_of(score, q, k, params)
    scores.retain_grad()
    logits = scores * scale / temperature
    any_key = keep.any(dim=1, keepdim=True)  # [T, 1]
    safe = torch.where(any_key, logits.masked_fill(~keep, -math.inf), torch.zeros_like(logits))
    weights = torch.softmax(safe, dim=1) * any_key  # fully masked rows: 0, without NaN
    weights.retain_grad()
    out = weights @ v
    (out * d_out).sum().backward()
    case = {
        "name": name,
        "options": options,
        "queries": q.tolist(),
        "keys": k.tolist(),
        "values": v.tolist(),
        "dOutput": d_out.tolist(),
        "params": {n: p.tolist() for n, p in params.items()},
        "mask": keep.tolist(),
        "scale": scale,
        "output": out.tolist(),
        "weights": weights.tolist(),
        "dQueries": q.grad.tolist(),
        "dKeys": k.grad.tolist(),
        "dValues": v.grad.tolist(),
        "dWeights": weights.grad.tolist(),
        "dScores": scores.grad.tolist(),
        "dParams": {n: p.grad.tolist() for n, p in params.items()},
    }
    return case


def softmax_case(g, name, n, tau, scale):
    z = torch.randn(n, generator=g) * scale
    f = lambda x: torch.softmax(x / tau, dim=0)
    jac = torch.autograd.functional.jacobian(f, z)
    return {"name": name, "logits": z.tolist(), "temperature": tau, "p": f(z).tolist(), "jacobian": jac.tolist()}


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
    g = torch.Generator().manual_seed(SEED)
    softmax_cases = [softmax_case(g, *c) for c in SOFTMAX_CASES]
    attention_cases = [attention_case(g, *c) for c in ATTENTION_CASES]
    out = {
        "description": "PyTorch float64 autograd references for the softmax Jacobian "
        "(torch.autograd.functional.jacobian of softmax(z / tau)) and for single-head attention gradients "
        "(scores, scale, temperature, mask, row softmax, P V; loss sum(O * dOutput)), attnlab's definitions",
        "generator": "scripts/references/attention-gradients.py",
        "torch": torch.__version__,
        "torchPackage": debian_package_version(),
        "python": platform.python_version(),
        "seed": SEED,
        "dtype": "float64",
        "softmax": softmax_cases,
        "attention": attention_cases,
    }
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(root, "test", "fixtures", "pytorch", "attention-gradients.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)
    counts = f"{len(softmax_cases)} softmax + {len(attention_cases)} attention cases"
    print(f"wrote {os.path.relpath(path, root)}: {counts}, torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
