"""The attnlab bench workloads in PyTorch on one CPU thread.

Same shapes as bench/workloads.ts. Two modes:
- `torch_bench.py [SECONDS]`: times each workload once for about SECONDS and prints {workload: median ms} as JSON.
- `torch_bench.py --serve`: what bench/run.ts uses, to interleave PyTorch with the tfjs backends. Sets up and warms
  up every workload, prints {"ready": true, "version": ...}, then for each stdin line `<workload>\t<seconds>` times
  that workload for about that many seconds (3 to 200 runs) and prints the per-run milliseconds as a JSON list.
  Exits on EOF.
Run by bench/run.ts when `import torch` works (Debian: python3-torch, plus libopenblas0-pthread, without which
torch uses the reference BLAS).
"""
import json
import statistics
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
BATCH, SEQ, D, HEADS, FFN, LAYERS, VOCAB = 32, 32, 64, 4, 128, 2, 32


def encoder():
    layer = torch.nn.TransformerEncoderLayer(D, HEADS, FFN, dropout=0.0, batch_first=True)
    return torch.nn.Sequential(
        torch.nn.Embedding(VOCAB, D),
        torch.nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False),
        torch.nn.Linear(D, VOCAB),
    )


def matmul():
    a, b = torch.rand(512, 512) * 2 - 1, torch.rand(512, 512) * 2 - 1
    return torch.no_grad()(lambda: a @ b)


def attention():
    q, k, v = (torch.rand(8, 4, 128, 32) * 2 - 1 for _ in range(3))
    return torch.no_grad()(lambda: torch.softmax(q @ k.transpose(-1, -2) / 32**0.5, -1) @ v)


def encoder_inference():
    model = encoder().eval()
    tokens = torch.randint(0, VOCAB, (BATCH, SEQ))
    return torch.no_grad()(lambda: model(tokens))


def encoder_train_step():
    model = encoder().train()
    tokens = torch.randint(0, VOCAB, (BATCH, SEQ))
    targets = tokens.flip(1)
    opt = torch.optim.Adam(model.parameters(), 1e-3)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(tokens).reshape(-1, VOCAB), targets.reshape(-1))
        loss.backward()
        opt.step()

    return step


def workloads():
    """Every workload set up once: {name: function to time}, names as in bench/workloads.ts."""
    return {
        "matmul 512×512": matmul(),
        "SDPA fwd B8 N4 T128 H32": attention(),
        "encoder inference": encoder_inference(),
        "encoder train step": encoder_train_step(),
    }


def warm_up(fn):
    for _ in range(2):
        fn()


def time_runs(fn, seconds, min_runs):
    """Per-run milliseconds of `fn` for about `seconds` (at least `min_runs` runs, at most 200)."""
    times, start = [], time.perf_counter()
    while len(times) < min_runs or (time.perf_counter() - start < seconds and len(times) < 200):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def once(seconds):
    out = {}
    for name, fn in workloads().items():
        warm_up(fn)
        out[name] = statistics.median(time_runs(fn, seconds, 5))
    out["_version"] = torch.__version__
    print(json.dumps(out))


def serve():
    fns = workloads()
    for fn in fns.values():
        warm_up(fn)
    print(json.dumps({"ready": True, "version": torch.__version__}), flush=True)
    for line in sys.stdin:
        name, seconds = line.rstrip("\n").split("\t")
        print(json.dumps(time_runs(fns[name], float(seconds), 3)), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        once(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
