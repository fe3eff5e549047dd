#!/usr/bin/env python3
"""Writes test/fixtures/pytorch/label-smoothing.json: PyTorch's token cross-entropy with label smoothing, the
reference that test/models/labelSmoothing.test.ts compares attnlab's `sequenceCrossEntropy` and `crossEntropy` to.

For each case it stores the inputs (logits [B, T, V], integer targets [B, T], padId or null, epsilon) and what
PyTorch computes from them in float64:
  loss     = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1), ignore_index=padId,
                             label_smoothing=epsilon)           (mean over the tokens whose target is not padId)
  perToken = the same with reduction="none", shape [B, T]        (0 where the target is padId)
  grad     = d loss / d logits, shape [B, T, V]
The logits are drawn in float32 from a seeded torch.Generator, so the JSON decimals are exact float32 values and
tfjs reads back the very same inputs. Used only to make references: PyTorch is not a dependency of attnlab, and
CI never runs this script. Run it under the system Python that has Debian's PyTorch:

  apt-get install -y --no-install-recommends python3-torch
  /usr/bin/python3 scripts/references/label-smoothing.py
  npx biome format --write test/fixtures/pytorch/label-smoothing.json   # the repo's JSON layout
"""
import json
import os
import platform
import subprocess
import sys

import torch
import torch.nn.functional as F

SEED = 18
# name, [B, T, V], padId (None: every token counts), epsilon, logit scale, pad positions per row (from the end)
CASES = [
    ("B2 T5 V7, pad 0, eps 0", [2, 5, 7], 0, 0.0, 1.0, [0, 2]),
    ("B2 T5 V7, pad 0, eps 0.1", [2, 5, 7], 0, 0.1, 1.0, [0, 2]),
    ("B2 T5 V7, pad 0, eps 0.3", [2, 5, 7], 0, 0.3, 1.0, [0, 2]),
    ("B3 T4 V11, pad 1, eps 0.1, logits x4", [3, 4, 11], 1, 0.1, 4.0, [1, 0, 3]),
    ("B3 T4 V11, pad 1, eps 0.3, logits x4", [3, 4, 11], 1, 0.3, 4.0, [1, 0, 3]),
    ("B2 T3 V5, no padding, eps 0.3", [2, 3, 5], None, 0.3, 1.0, [0, 0]),
]


def make_case(generator, name, shape, pad_id, epsilon, scale, pads):
    b, t, v = shape
    logits32 = (torch.randn(b, t, v, generator=generator) * scale).to(torch.float32)
    targets = torch.randint(0, v, (b, t), generator=generator)
    if pad_id is not None:
        # padding at the end of each row; elsewhere a class other than padId, so the counts are as stated
        targets[targets == pad_id] = (pad_id + 1) % v
        for row, n in enumerate(pads):
            if n > 0:
                targets[row, t - n :] = pad_id
    logits = logits32.to(torch.float64).requires_grad_(True)
    ignore = -100 if pad_id is None else pad_id
    flat_logits, flat_targets = logits.reshape(-1, v), targets.reshape(-1)
    loss = F.cross_entropy(flat_logits, flat_targets, ignore_index=ignore, label_smoothing=epsilon)
    per_token = F.cross_entropy(
        flat_logits, flat_targets, ignore_index=ignore, label_smoothing=epsilon, reduction="none"
    ).reshape(b, t)
    loss.backward()
    return {
        "name": name,
        "shape": shape,
        "padId": pad_id,
        "labelSmoothing": epsilon,
        "logits": logits32.tolist(),
        "targets": targets.tolist(),
        "loss": loss.item(),
        "perToken": per_token.tolist(),
        "grad": logits.grad.tolist(),
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
        "description": "PyTorch references for token cross-entropy with label smoothing "
        "(torch.nn.functional.cross_entropy with ignore_index and label_smoothing), float64",
        "generator": "scripts/references/label-smoothing.py",
        "torch": torch.__version__,
        "torchPackage": debian_package_version(),
        "python": platform.python_version(),
        "seed": SEED,
        "dtype": "float64 (inputs are float32 values)",
        "cases": cases,
    }
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(root, "test", "fixtures", "pytorch", "label-smoothing.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)
    print(f"wrote {os.path.relpath(path, root)}: {len(cases)} cases, torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
