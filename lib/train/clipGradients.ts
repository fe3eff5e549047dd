/**
 * Gradient clipping by global norm: when the L2 norm of all gradients together exceeds `maxNorm`, every gradient
 * is scaled by the same factor, so the update keeps its direction and its length is capped. Follows: Pascanu
 * et al. 2013 §3.2 (Algorithm 1, "if ‖ĝ‖ ≥ threshold then ĝ ← threshold/‖ĝ‖ · ĝ"); PyTorch
 * `torch.nn.utils.clip_grad_norm_` (total norm over every tensor, coefficient maxNorm / (norm + 1e-6), applied
 * only when it is below 1).
 */
import * as tf from "@tensorflow/tfjs";
import { checkValue, opt } from "../check/options.js";

/** What {@link clipByGlobalNorm} returns. */
export interface ClippedGradients {
  /** The gradients after clipping, by the same names: new tensors that the caller disposes (as well as the input). */
  grads: tf.NamedTensorMap;
  /** ‖g‖ = √(Σ_tensors Σ_entries g²), the global norm before clipping (PyTorch's return value). */
  norm: number;
  /** The factor applied: min(1, maxNorm / (‖g‖ + 1e-6)); 1 when the norm was within `maxNorm`. */
  scale: number;
}

/** PyTorch's guard against dividing by a zero norm. */
const EPSILON = 1e-6;

/**
 * Clips `grads` (as `tf.variableGrads` returns them) by their global L2 norm:
 * ‖g‖ = √(Σ_i ‖g_i‖²), c = maxNorm / (‖g‖ + 1e-6), and g_i ← c · g_i when c < 1 (else unchanged copies).
 * `maxNorm` must be a finite number > 0; the gradients a non-empty map of float tensors; a norm that is NaN or
 * infinite is an error naming the first gradient that is not finite (clipping would spread the NaN). The
 * input gradients are left as they are; the returned ones are new tensors, on every path nothing else is kept.
 * @example
 *   const g = { w: tf.tensor1d([3, 0]), b: tf.tensor1d([4]) };
 *   const clipped = clipByGlobalNorm(g, 1);
 *   clipped.norm; // 5 (√(3² + 0² + 4²))
 *   Array.from(clipped.grads.w.dataSync()); // [0.6, 0] (3 · 1 / (5 + 1e-6))
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): ClippedGradients {
  checkValue("clipByGlobalNorm", "maxNorm", maxNorm, opt.number({ above: 0, required: true }));
  const entries = checkGrads(grads);
  const norm = tf.tidy(() => {
    const squares = entries.map(([, g]) => tf.sum(tf.square(g))); // ‖g_i‖², one scalar each
    return tf.sqrt(tf.addN(squares)).dataSync()[0]!; // √(Σ_i ‖g_i‖²)
  });
  if (!Number.isFinite(norm)) throw nonFinite(entries, norm);
  const scale = Math.min(1, maxNorm / (norm + EPSILON));
  const clipped = tf.tidy(() =>
    Object.fromEntries(entries.map(([name, g]) => [name, scale < 1 ? tf.mul(g, scale) : tf.clone(g)])),
  );
  return { grads: clipped, norm, scale };
}

/** The gradients as [name, tensor] pairs: a non-empty plain object of float tensors. */
function checkGrads(grads: unknown): [string, tf.Tensor][] {
  if (typeof grads !== "object" || grads === null || Array.isArray(grads) || grads instanceof tf.Tensor)
    throw new TypeError(
      `clipByGlobalNorm: grads must be a map { name: tensor } (as tf.variableGrads returns), got ${grads === null ? "null" : Array.isArray(grads) ? "an array" : grads instanceof tf.Tensor ? "a tensor" : typeof grads}`,
    );
  const entries = Object.entries(grads);
  if (entries.length === 0)
    throw new RangeError("clipByGlobalNorm: grads is empty; there is nothing to clip");
  for (const [name, g] of entries) {
    if (!(g instanceof tf.Tensor) || g.isDisposed)
      throw new TypeError(`clipByGlobalNorm: grads.${name} must be a live tensor, got ${describe(g)}`);
    if (g.dtype !== "float32")
      throw new TypeError(`clipByGlobalNorm: grads.${name} must be float32, got ${g.dtype}`);
  }
  return entries as [string, tf.Tensor][];
}

/** The error for a norm that is NaN or infinite, naming the first gradient with such an entry. */
function nonFinite(entries: [string, tf.Tensor][], norm: number): RangeError {
  const bad = entries.find(([, g]) => g.dataSync().some((x) => !Number.isFinite(x)));
  const which =
    bad === undefined ? "the sum of squares overflowed" : `grads.${bad[0]} has a NaN or infinite entry`;
  return new RangeError(`clipByGlobalNorm: the global norm is ${norm} (${which}); nothing was clipped`);
}

function describe(v: unknown): string {
  if (v instanceof tf.Tensor) return "a disposed tensor";
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}
