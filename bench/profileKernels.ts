/**
 * Kernel totals of a piece of work under `tf.profile`: time and calls per kernel name, and the input shapes of
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

/** Profiles `work` and returns kernel totals, most expensive first, and the wall time. */
export async function profileKernels(
  work: () => Promise<void>,
): Promise<{ totals: KernelTotal[]; wallMs: number }> {
  const t0 = performance.now();
  const info = await tf.profile(work);
  const wallMs = performance.now() - t0;
  const byName = new Map<string, { ms: number; calls: number; shapes: Map<string, [number, number]> }>();
  for (const k of info.kernels) {
    const ms = Number(await k.kernelTimeMs);
    const entry = byName.get(k.name) ?? { ms: 0, calls: 0, shapes: new Map<string, [number, number]>() };
    entry.ms += ms;
    entry.calls += 1;
    const key = k.inputShapes.map((s) => `[${s?.join(",") ?? ""}]`).join(" ");
    const [shapeMs, shapeCalls] = entry.shapes.get(key) ?? [0, 0];
    entry.shapes.set(key, [shapeMs + ms, shapeCalls + 1]);
    byName.set(k.name, entry);
  }
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
