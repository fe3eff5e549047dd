/**
 * `npm run bench`: every workload of bench/workloads.ts on every tfjs backend available here — wasm twice, with
 * tfjs's stock kernels ("wasm-stock", before) and with attnlab's speed kernels ("wasm", after) — and the same
 * workloads in PyTorch (one thread) when `import torch` works, all in one run; then the whole course in quick
 * mode, before and after. Prints a table of median times and ratios to PyTorch and writes a JSON record to
 * records/bench/ (atomically).
 * Options: `--backends wasm,cpu` (default: tensorflow if installed, wasm-stock, wasm, cpu), `--seconds S` per
 * workload, `--no-course` to skip the course timing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { writeFileAtomic } from "../lib/io/writeFileAtomic.js";
import { initBackend, setWasmSpeedKernels } from "../lib/tfjs/index.js";
import { ENCODER, WORKLOADS } from "./workloads.js";

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const seconds = Number(option("seconds") ?? 1);
/** The pure-JS cpu backend is 7–40× slower: a few runs are enough there. */
const MAX_RUNS = { cpu: 5, other: 200 } as const;

interface Row {
  workload: string;
  backend: string;
  ms: number;
  runs: number;
  gflops?: number;
  leakedTensors: number;
}

async function timeWorkload(backend: string, w: (typeof WORKLOADS)[number]): Promise<Row> {
  const { run, dispose } = w.setup();
  await run(); // warm-up: kernel compilation, first allocations
  await run();
  const before = tf.memory().numTensors; // a run must leave no tensor behind (setup/dispose are tfjs's business)
  const times: number[] = [];
  const start = performance.now();
  const maxRuns = backend === "cpu" ? MAX_RUNS.cpu : MAX_RUNS.other;
  while (times.length < 3 || (performance.now() - start < seconds * 1000 && times.length < maxRuns)) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  const leakedTensors = tf.memory().numTensors - before;
  dispose();
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)]!;
  const gflops = w.flops === undefined ? undefined : w.flops / (ms * 1e6);
  return {
    workload: w.name,
    backend,
    ms,
    runs: times.length,
    gflops,
    leakedTensors,
  };
}

function torchTimes(): Record<string, number> | null {
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      execFileSync(python, ["-c", "import torch"], { stdio: "ignore" });
    } catch {
      continue;
    }
    // One thread everywhere: torch's intra-op pool and the BLAS/OpenMP pools underneath it.
    const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
    const out = execFileSync(python, [join(__dirname, "torch_bench.py"), String(seconds)], {
      encoding: "utf8",
      env,
    });
    return JSON.parse(out);
  }
  return null;
}

async function main() {
  const chosen = await initBackend(); // registers the wasm training kernels and the .wasm location
  const available = ["tensorflow", "wasm", "cpu"].filter((b) => tf.findBackendFactory(b) !== null);
  const backends =
    option("backends")?.split(",") ?? available.flatMap((b) => (b === "wasm" ? ["wasm-stock", "wasm"] : [b]));
  const rows: Row[] = [];
  for (const backend of backends) {
    const stock = backend === "wasm-stock";
    if (!(await tf.setBackend(stock ? "wasm" : backend))) throw new Error(`backend ${backend} did not start`);
    await tf.ready();
    setWasmSpeedKernels(!stock);
    for (const w of WORKLOADS) {
      const row = await timeWorkload(backend, w);
      rows.push(row);
      console.error(`${backend.padEnd(10)} ${w.name.padEnd(26)} ${row.ms.toFixed(2)} ms (${row.runs} runs)`);
    }
  }
  const torch = torchTimes();
  const table = rows.map((r) => ({
    workload: r.workload,
    backend: r.backend,
    ms: +r.ms.toFixed(2),
    "GFLOP/s": r.gflops === undefined ? "" : +r.gflops.toFixed(2),
    "× PyTorch": torch?.[r.workload] ? +(r.ms / torch[r.workload]!).toFixed(2) : "n/a",
    leaked: r.leakedTensors,
  }));
  if (torch) {
    for (const w of WORKLOADS)
      table.push({
        workload: w.name,
        backend: "pytorch-1thread",
        ms: +torch[w.name]!.toFixed(2),
        "GFLOP/s": w.flops ? +(w.flops / (torch[w.name]! * 1e6)).toFixed(2) : "",
        "× PyTorch": 1,
        leaked: 0,
      });
  }
  console.table(table);
  if (!torch) console.log("PyTorch: not available (`import torch` failed); ratios are n/a");
  for (const w of WORKLOADS) {
    const [before, after] = ["wasm-stock", "wasm"].map((b) =>
      rows.find((r) => r.backend === b && r.workload === w.name),
    );
    if (before && after)
      console.log(
        `${w.name}: wasm ${after.ms.toFixed(1)} ms, ${(before.ms / after.ms).toFixed(2)}× faster than tfjs's stock kernels (${before.ms.toFixed(1)} ms)`,
      );
  }
  const course = args.includes("--no-course") ? null : courseSeconds();
  const when = new Date().toISOString();
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
    rows,
    pytorch: torch,
    course,
  };
  const file = join(__dirname, "..", "records", "bench", `${when.replace(/[:.]/g, "-")}.json`);
  writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`record: ${file}`);
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
