"""The attnlab bench workloads in PyTorch on one CPU thread; prints {workload: median ms} as JSON.

Same shapes as bench/workloads.ts. Run by bench/run.ts when `import torch` works (Debian: python3-torch,
plus libopenblas0-pthread, without which torch uses the reference BLAS).
"""
import json
import statistics
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
MIN_SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


def timed(fn):
    for _ in range(2):
        fn()
    times, start = [], time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < MIN_SECONDS and len(times) < 200):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    out = {}
    a, b = torch.rand(512, 512) * 2 - 1, torch.rand(512, 512) * 2 - 1
    with torch.no_grad():
        out["matmul 512×512"] = timed(lambda: a @ b)
        q, k, v = (torch.rand(8, 4, 128, 32) * 2 - 1 for _ in range(3))
        out["SDPA fwd B8 N4 T128 H32"] = timed(lambda: torch.softmax(q @ k.transpose(-1, -2) / 32**0.5, -1) @ v)
    batch, seq, d, heads, ffn, layers, vocab = 32, 32, 64, 4, 128, 2, 32
    layer = torch.nn.TransformerEncoderLayer(d, heads, ffn, dropout=0.0, batch_first=True)
    model = torch.nn.Sequential(
        torch.nn.Embedding(vocab, d), torch.nn.TransformerEncoder(layer, layers, enable_nested_tensor=False), torch.nn.Linear(d, vocab)
    )
    tokens = torch.randint(0, vocab, (batch, seq))
    targets = tokens.flip(1)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    model.eval()
    with torch.no_grad():
        out["encoder inference"] = timed(lambda: model(tokens))
    model.train()

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(tokens).reshape(-1, vocab), targets.reshape(-1))
        loss.backward()
        opt.step()

    out["encoder train step"] = timed(step)
    out["_version"] = torch.__version__
    print(json.dumps(out))


main()
