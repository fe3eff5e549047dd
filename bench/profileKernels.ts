/**
 * Kernel totals of a piece of work under the engine's profiling: time and calls per kernel name, and the input shapes of
 * its costliest call pattern. Used by bench/profile.ts; kernel times are as the backend reports them.
 */
import * as tf from "@tensorflow/tfjs";

/** One kernel name's total over the profiled work. */
export interface KernelTotal {
  name: string;
  ms: number;
  calls: number;
  /** The input shapes (and their share of this kernel's time) that cost the most. */
  worst: string;
  /** Time and calls per input-shape pattern, most expensive first. */
  byShape: { shapes: string; ms: number; calls: number }[];
}

/** The part of tfjs-core 4.22's engine that `tf.profile` uses (`engine.ts`: `state.profiling`, `activeProfile`). */
interface ProfilingEngine {
  state: {
    profiling: boolean;
    activeProfile: { kernels: { push(k: KernelRecord): void } };
  };
}

/** What the engine records per kernel call while profiling. */
interface KernelRecord {
  name: string;
  inputShapes: (number[] | null)[];
  kernelTimeMs: number | Promise<number | { error: string }>;
}

/**
 * Profiles `work` and returns kernel totals, most expensive first, and the wall time. It switches on the engine's
 * profiling as `tf.profile` does, but adds each kernel call to the totals as it comes instead of keeping them all:
 * `tf.profile` ends with `Math.max(...kernels)`, which overflows the stack past about 100 000 kernel calls (a
 * case study's whole run).
 */
export async function profileKernels(
  work: () => Promise<void>,
): Promise<{ totals: KernelTotal[]; wallMs: number }> {
  const byName = new Map<string, { ms: number; calls: number; shapes: Map<string, [number, number]> }>();
  const add = (k: KernelRecord, ms: number) => {
    const entry = byName.get(k.name) ?? { ms: 0, calls: 0, shapes: new Map<string, [number, number]>() };
    entry.ms += ms;
    entry.calls += 1;
    const key = k.inputShapes.map((s) => `[${s?.join(",") ?? ""}]`).join(" ");
    const [shapeMs, shapeCalls] = entry.shapes.get(key) ?? [0, 0];
    entry.shapes.set(key, [shapeMs + ms, shapeCalls + 1]);
    byName.set(k.name, entry);
  };
  let outstanding = 0; // kernel times still to resolve (a backend reports them as promises)
  const sink = {
    push(k: KernelRecord) {
      outstanding += 1;
      void Promise.resolve(k.kernelTimeMs).then((ms) => {
        add(k, typeof ms === "number" ? ms : 0);
        outstanding -= 1;
      });
    },
  };
  const { state } = tf.engine() as unknown as ProfilingEngine;
  const t0 = performance.now();
  const kept = state.activeProfile.kernels;
  state.profiling = true;
  state.activeProfile.kernels = sink;
  try {
    await work();
  } finally {
    state.profiling = false;
    state.activeProfile.kernels = kept;
  }
  while (outstanding > 0) await new Promise((r) => setImmediate(r));
  const wallMs = performance.now() - t0;
  const totals = [...byName.entries()].map(([name, e]) => {
    const byShape = [...e.shapes.entries()]
      .map(([shapes, [ms, calls]]) => ({ shapes, ms, calls }))
      .sort((a, b) => b.ms - a.ms);
    const top = byShape[0]!;
    const worst = `${top.shapes} ${((100 * top.ms) / Math.max(e.ms, 1e-9)).toFixed(0)}%`;
    return { name, ms: e.ms, calls: e.calls, worst, byShape };
  });
  return { totals: totals.sort((a, b) => b.ms - a.ms), wallMs };
}
