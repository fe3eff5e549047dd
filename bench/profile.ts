/**
 * `npm run bench:profile`: where a training step spends its time, kernel by kernel. Runs the bench's encoder
 * train step (bench/workloads.ts) under `tf.profile` on each backend asked for, and prints the kernels ranked by
 * total time, with their call count and the input shapes that cost the most. Follows the tfjs profiling guide
 * (`tf.profile` → `kernels[].kernelTimeMs`); wasm and cpu time a kernel by wall clock around it.
 * With `--cases copy-task,enfr` (or `--cases all`) it profiles those case studies instead: each experiment's
 * quick-mode run (training and evaluation, as CI runs it), one table per case.
 * Options: `--backends wasm,cpu` (default wasm), `--steps N` (default 5), `--top N` (default 15),
 * `--detail BatchMatMul` (that kernel's time per input-shape pattern), `--stock` (tfjs's own wasm kernels only).
 */
import * as tf from "@tensorflow/tfjs";
import { EXPERIMENTS, findExperiment } from "../lib/cases/registry.js";
import { runExperiment } from "../lib/experiments/run.js";
import { initBackend, setWasmSpeedKernels } from "../lib/tfjs/index.js";
import { type KernelTotal, profileKernels } from "./profileKernels.js";
import { WORKLOADS } from "./workloads.js";

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

function printTable(
  title: string,
  totals: KernelTotal[],
  stepMs: number,
  steps: number,
  top: number,
  unit = "step",
): void {
  const kernelMs = totals.reduce((s, k) => s + k.ms, 0);
  console.log(
    `\n${title}: ${(stepMs / steps).toFixed(1)} ms per ${unit} (wall), of which kernels ${(kernelMs / steps).toFixed(1)} ms; ${totals.reduce((s, k) => s + k.calls, 0) / steps} kernel calls per ${unit}`,
  );
  console.table(
    totals.slice(0, top).map((k) => ({
      kernel: k.name,
      "ms/step": +(k.ms / steps).toFixed(2),
      share: `${((100 * k.ms) / kernelMs).toFixed(1)}%`,
      "calls/step": k.calls / steps,
      "costliest inputs": k.worst,
    })),
  );
}

/** Profiles each case study named in `--cases` (quick mode) on the current backend. */
async function profileCases(names: string, top: number): Promise<void> {
  const chosen = names === "all" ? EXPERIMENTS : names.split(",").map(findExperiment);
  for (const experiment of chosen) {
    const { totals, wallMs } = await profileKernels(async () => {
      await runExperiment(experiment, { quick: true, record: false, progress: "none", log: false });
    });
    printTable(`${experiment.name} (quick mode, ${tf.getBackend()})`, totals, wallMs, 1, top, "run");
  }
}

async function main() {
  await initBackend();
  if (args.includes("--stock")) setWasmSpeedKernels(false);
  const backends = option("backends")?.split(",") ?? ["wasm"];
  const steps = Number(option("steps") ?? 5);
  const top = Number(option("top") ?? 15);
  const cases = option("cases");
  if (cases !== undefined) return profileCases(cases, top);
  const workload = WORKLOADS.find((w) => w.name === (option("workload") ?? "encoder train step"));
  if (!workload) throw new Error(`no workload named ${option("workload")}`);
  for (const backend of backends) {
    if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
    const { run, dispose } = workload.setup();
    await run(); // warm-up
    const { totals, wallMs } = await profileKernels(async () => {
      for (let i = 0; i < steps; i++) await run();
    });
    dispose();
    printTable(backend, totals, wallMs, steps, top);
    const detail = totals.find((k) => k.name === option("detail"));
    if (detail)
      console.table(
        detail.byShape.map((s) => ({
          inputs: s.shapes,
          "ms/step": +(s.ms / steps).toFixed(2),
          "calls/step": s.calls / steps,
        })),
      );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
