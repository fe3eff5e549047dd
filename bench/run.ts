/**
 * `npm run bench`: every workload of bench/workloads.ts on every tfjs backend available here — wasm twice, with
 * tfjs's stock kernels ("wasm-stock", before) and with attnlab's speed kernels ("wasm", after) — and the same
 * workloads in PyTorch (one thread) when `import torch` works, all in one run; then the whole course in quick
 * mode, before and after. The compared measurements are interleaved, because this machine's speed drifts by
 * ±30% over tens of seconds: in each of R rounds, each workload runs a slice of S/R seconds on wasm-stock, then
 * wasm, then PyTorch (bench/torch_bench.py --serve, a child process); each is set up and warmed up once. The
 * other backends (tensorflow, cpu) are timed after that, one after another. Prints a table of median times
 * (all rounds pooled), ratios to PyTorch and the spread of the per-round ratios, and writes a JSON record to
 * records/bench/ (atomically).
 * Options: `--backends wasm,cpu` (default: tensorflow if installed, wasm-stock, wasm, cpu), `--seconds S` per
 * workload and backend (split across the rounds), `--rounds R` (default 5), `--no-course` to skip the course
 * timing, `--no-kv-cache` to skip the key/value-cache workload (bench/kvCache.ts: the speed-up of cached over
 * uncached GPT generation against the number of tokens, on the default backend, as per-round ratios).
 */
import { type ChildProcessByStdio, execFileSync, spawn, spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import * as tf from "@tensorflow/tfjs";
import { writeFileAtomic } from "../lib/io/writeFileAtomic.js";
import { initBackend, setWasmSpeedKernels } from "../lib/tfjs/index.js";
import { KV_CACHE_BENCH, kvCacheSpeedups, kvCacheTable } from "./kvCache.js";
import { ENCODER, WORKLOADS } from "./workloads.js";

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const seconds = Number(option("seconds") ?? 1);
const rounds = Number(option("rounds") ?? 5);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be a whole number ≥ 1, not ${rounds}`);
/** The pure-JS cpu backend is 7–40× slower: a few runs are enough there. */
const MAX_RUNS = { cpu: 5, other: 200 } as const;
/** The tfjs backends timed in rounds, interleaved with PyTorch: wasm with each kernel set. */
const KERNEL_SETS = ["wasm-stock", "wasm"];
const PYTORCH = "pytorch-1thread";

/** Per-run milliseconds of one backend on one workload, one list per round (one round when not interleaved). */
interface Timing {
  workload: string;
  backend: string;
  rounds: number[][];
  leakedTensors: number;
}

interface Row {
  workload: string;
  backend: string;
  /** Median of all runs, all rounds pooled. */
  ms: number;
  runs: number;
  gflops?: number;
  leakedTensors: number;
  /** Median of each round. */
  roundMs: number[];
}

/** A ratio of two backends' times on one workload, round by round (both timed in the same rounds). */
interface Spread {
  workload: string;
  ratio: string;
  perRound: number[];
  median: number;
  min: number;
  max: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Per-run milliseconds of `run` for about `slice` seconds: at least 3 runs, at most `maxRuns`. */
async function timeRuns(run: () => Promise<void>, slice: number, maxRuns: number): Promise<number[]> {
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || (performance.now() - start < slice * 1000 && times.length < maxRuns)) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return times;
}

/** `timeRuns`, and how many tensors the runs left behind (must be 0; setup/dispose are tfjs's business). */
async function timeSlice(run: () => Promise<void>, slice: number, maxRuns: number) {
  const before = tf.memory().numTensors;
  const ms = await timeRuns(run, slice, maxRuns);
  return { ms, leaked: tf.memory().numTensors - before };
}

/**
 * Not timed: kernel compilation, first allocations, and V8's tier-up (2 runs were not enough for the fast
 * workloads: their first round came out 20–40% slow), so at least 2 runs and 0.25 s.
 */
async function warmUp(run: () => Promise<void>): Promise<void> {
  const start = performance.now();
  for (let runs = 0; runs < 2 || performance.now() - start < 250; runs++) await run();
}

function logSlice(label: string, backend: string, workload: string, ms: number[]): void {
  console.error(
    `${label}${backend.padEnd(16)} ${workload.padEnd(26)} ${median(ms).toFixed(2)} ms (${ms.length} runs)`,
  );
}

async function useBackend(backend: string): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  await tf.ready();
}

/** The first python3 where `import torch` works, or null. */
function torchPython(): string | null {
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      execFileSync(python, ["-c", "import torch"], { stdio: "ignore" });
      return python;
    } catch {}
  }
  return null;
}

/** bench/torch_bench.py --serve: PyTorch on one thread, every workload set up once, timed on request. */
class TorchServer {
  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    private readonly lines: AsyncIterator<string>,
    readonly version: string,
  ) {}

  /** Starts the server and waits until it has warmed up; null where `import torch` fails. */
  static async start(): Promise<TorchServer | null> {
    const python = torchPython();
    if (python === null) return null;
    // One thread everywhere: torch's intra-op pool and the BLAS/OpenMP pools underneath it.
    const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
    const child = spawn(python, [join(__dirname, "torch_bench.py"), "--serve"], {
      env,
      stdio: ["pipe", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const ready = (await TorchServer.reply(child, lines)) as { version: string };
    return new TorchServer(child, lines, ready.version);
  }

  private static async reply(child: { exitCode: number | null }, lines: AsyncIterator<string>) {
    const line = await lines.next();
    if (line.done) throw new Error(`bench/torch_bench.py --serve stopped (exit code ${child.exitCode})`);
    return JSON.parse(line.value) as unknown;
  }

  /** Per-run milliseconds of `workload` for about `slice` seconds. */
  async time(workload: string, slice: number): Promise<number[]> {
    this.child.stdin.write(`${workload}\t${slice}\n`);
    return (await TorchServer.reply(this.child, this.lines)) as number[];
  }

  close(): void {
    this.child.stdin.end();
  }
}

/**
 * The wasm kernel sets asked for and PyTorch, interleaved in rounds: each workload is set up once on wasm (for
 * both kernel sets) and warmed up on each kernel set before round 1; then each round times one slice per
 * workload and side, in the order of `kernelSets`, then PyTorch.
 */
async function timeInterleaved(kernelSets: string[], torch: TorchServer | null): Promise<Timing[]> {
  if (kernelSets.length > 0) await useBackend("wasm");
  const sides = torch ? [...kernelSets, PYTORCH] : kernelSets;
  const setups = kernelSets.length > 0 ? WORKLOADS.map((w) => w.setup()) : [];
  for (const backend of kernelSets) {
    setWasmSpeedKernels(backend === "wasm");
    for (const { run } of setups) await warmUp(run);
  }
  const timings = WORKLOADS.flatMap((w) =>
    sides.map((backend): Timing => ({ workload: w.name, backend, rounds: [], leakedTensors: 0 })),
  );
  const slice = seconds / rounds;
  for (let round = 1; round <= rounds; round++)
    for (const [i, w] of WORKLOADS.entries())
      for (const backend of sides) {
        let times: { ms: number[]; leaked: number };
        if (backend === PYTORCH) times = { ms: await torch!.time(w.name, slice), leaked: 0 };
        else {
          setWasmSpeedKernels(backend === "wasm");
          times = await timeSlice(setups[i]!.run, slice, MAX_RUNS.other);
        }
        const timing = timings.find((t) => t.workload === w.name && t.backend === backend)!;
        timing.rounds.push(times.ms);
        timing.leakedTensors += times.leaked;
        logSlice(`round ${round}/${rounds} `, backend, w.name, times.ms);
      }
  for (const { dispose } of setups) dispose();
  return timings;
}

/** One backend on its own, workload after workload, each set up, warmed up, timed for `seconds` and disposed. */
async function timeSequentially(backend: string): Promise<Timing[]> {
  await useBackend(backend);
  const timings: Timing[] = [];
  for (const w of WORKLOADS) {
    const { run, dispose } = w.setup();
    await warmUp(run);
    const { ms, leaked } = await timeSlice(run, seconds, backend === "cpu" ? MAX_RUNS.cpu : MAX_RUNS.other);
    dispose();
    timings.push({ workload: w.name, backend, rounds: [ms], leakedTensors: leaked });
    logSlice("", backend, w.name, ms);
  }
  return timings;
}

function toRow(t: Timing): Row {
  const all = t.rounds.flat();
  const ms = median(all);
  const flops = WORKLOADS.find((w) => w.name === t.workload)?.flops;
  return {
    workload: t.workload,
    backend: t.backend,
    ms,
    runs: all.length,
    gflops: flops === undefined ? undefined : flops / (ms * 1e6),
    leakedTensors: t.leakedTensors,
    roundMs: t.rounds.map(median),
  };
}

/** `num` / `den`, round by round (two of the backends timed in the same rounds); undefined if one is missing. */
function spread(num: Row | undefined, den: Row | undefined): Spread | undefined {
  if (!num || !den) return undefined;
  const perRound = num.roundMs.map((ms, r) => ms / den.roundMs[r]!);
  return {
    workload: num.workload,
    ratio: `${num.backend} / ${den.backend}`,
    perRound,
    median: median(perRound),
    min: Math.min(...perRound),
    max: Math.max(...perRound),
  };
}

const formatSpread = (s: Spread) => `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

async function main() {
  const chosen = await initBackend(); // registers the wasm training kernels and the .wasm location
  const available = ["tensorflow", "wasm", "cpu"].filter((b) => tf.findBackendFactory(b) !== null);
  const backends =
    option("backends")?.split(",") ?? available.flatMap((b) => (b === "wasm" ? KERNEL_SETS : [b]));
  const torch = await TorchServer.start();
  const timings = await timeInterleaved(
    KERNEL_SETS.filter((b) => backends.includes(b)),
    torch,
  );
  torch?.close();
  for (const backend of backends.filter((b) => !KERNEL_SETS.includes(b)))
    timings.push(...(await timeSequentially(backend)));
  const rows = timings.map(toRow);
  const row = (backend: string, workload: string) =>
    rows.find((r) => r.backend === backend && r.workload === workload);
  const spreads = rows.flatMap((r) => {
    const vsTorch = KERNEL_SETS.includes(r.backend) ? spread(r, row(PYTORCH, r.workload)) : undefined;
    const vsSpeed = r.backend === "wasm-stock" ? spread(r, row("wasm", r.workload)) : undefined;
    return [vsTorch, vsSpeed].filter((s) => s !== undefined);
  });
  const table = rows.map((r) => {
    const torchMs = row(PYTORCH, r.workload)?.ms;
    const perRound = spreads.find(
      (s) => s.workload === r.workload && s.ratio === `${r.backend} / ${PYTORCH}`,
    );
    return {
      workload: r.workload,
      backend: r.backend,
      ms: +r.ms.toFixed(2),
      "GFLOP/s": r.gflops === undefined ? "" : +r.gflops.toFixed(2),
      "× PyTorch": torchMs ? +(r.ms / torchMs).toFixed(2) : "n/a",
      [`× PyTorch per round: median (min–max of ${rounds})`]: perRound ? formatSpread(perRound) : "",
      leaked: r.leakedTensors,
    };
  });
  console.table(table);
  if (!torch) console.log("PyTorch: not available (`import torch` failed); ratios are n/a");
  for (const w of WORKLOADS) {
    const [before, after] = KERNEL_SETS.map((b) => row(b, w.name));
    const perRound = spreads.find((s) => s.workload === w.name && s.ratio === "wasm-stock / wasm");
    if (before && after && perRound)
      console.log(
        `${w.name}: wasm ${after.ms.toFixed(1)} ms, ${(before.ms / after.ms).toFixed(2)}× faster than tfjs's stock kernels (${before.ms.toFixed(1)} ms); per round, median (min–max of ${rounds}): ${formatSpread(perRound)}`,
      );
  }
  let kvCache = null;
  if (!args.includes("--no-kv-cache")) {
    await useBackend(chosen.name);
    kvCache = { model: KV_CACHE_BENCH, backend: chosen.name, rows: kvCacheSpeedups(rounds) };
    console.log(`KV cache: greedy GPT generation, uncached / cached, ${rounds} rounds (${chosen.name})`);
    console.table(kvCacheTable(kvCache.rows));
  }
  const course = args.includes("--no-course") ? null : courseSeconds();
  const when = new Date().toISOString();
  const torchRows = rows.filter((r) => r.backend === PYTORCH);
  const record = {
    kind: "bench",
    when,
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    tfjs: tf.version.tfjs,
    defaultBackend: chosen,
    encoder: ENCODER,
    seconds,
    rounds,
    rows,
    ratios: spreads,
    pytorch: torch
      ? { ...Object.fromEntries(torchRows.map((r) => [r.workload, r.ms])), _version: torch.version }
      : null,
    kvCache,
    course,
  };
  const file = join(__dirname, "..", "records", "bench", `${when.replace(/[:.]/g, "-")}.json`);
  writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`record: ${file}`);
  if (kvCache?.rows.some((r) => r.leakedTensors !== 0))
    throw new Error("the KV-cache workload leaked tensors");
  if (rows.some((r) => r.leakedTensors !== 0)) throw new Error("a workload leaked tensors (see the table)");
}

/** Wall seconds of the whole course in quick mode (`attnlab run notebooks`), with stock and with speed kernels. */
function courseSeconds(): { stock: number; speed: number } {
  const root = join(__dirname, "..");
  const time = (speed: boolean) => {
    const started = performance.now();
    const r = spawnSync(
      process.execPath,
      [
        join(root, "dist/cjs/cli.js"),
        "run",
        "notebooks",
        "-o",
        join(root, "out", "bench-course"),
        "-p",
        "quick",
        "true",
      ],
      {
        cwd: root,
        encoding: "utf8",
        env: {
          ...process.env,
          ATTNLAB_SPEED_KERNELS: speed ? "1" : "0",
          ATTNLAB_RECORDS_DIR: join(root, "out", "bench-records"),
        },
      },
    );
    if (r.status !== 0)
      throw new Error(`the course failed (speed kernels ${speed ? "on" : "off"}):\n${r.stdout}${r.stderr}`);
    return (performance.now() - started) / 1000;
  };
  const stock = time(false);
  const speed = time(true);
  console.log(
    `course, quick mode: ${speed.toFixed(0)} s with attnlab's speed kernels, ${stock.toFixed(0)} s with tfjs's stock kernels`,
  );
  return { stock, speed };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
