/**
 * Rotary position embedding (RoPE) on tensors: the tier-2 twin of tier-1 `applyRope`, for queries and keys
 * already split into heads. Each pair of a head's features at position p is rotated by p·θ_i, θ_i = base^{−2i/H}
 * (H the head size), so a query at m and a key at n score by their offset m − n alone. Follows: Su et al. 2021
 * (RoFormer) eq. 34 (the element-wise form x ⊙ cos + rotate(x) ⊙ sin); GPT-NeoX / LLaMA `rotate_half` for
 * the "half" layout. Equal to tier-1 `applyRope` per head (test/layers/rope.test.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import type { RopeLayout } from "../math/rope.js";

/** The rules of a layer's RoPE arguments: `rope` (the layout) and `ropeBase`. */
export const ROPE_ARGS = {
  rope: opt.oneOf(["interleaved", "half"]),
  ropeBase: opt.number({ above: 1 }),
} as const;

/** A layer's RoPE setting: which features pair up and the base of the frequencies. */
export interface RopeSetting {
  layout: RopeLayout;
  base: number;
}

/**
 * The RoPE setting of a layer's `rope` / `ropeBase` arguments: `null` without `rope`; `ropeBase` alone is
 * refused (it would be silently ignored).
 */
export function ropeSetting(
  where: string,
  args: { rope?: RopeLayout | null; ropeBase?: number },
): RopeSetting | null {
  if (args.rope === undefined || args.rope === null) {
    if (args.ropeBase !== undefined)
      throw new RangeError(
        `${where}: ropeBase (${args.ropeBase}) sets the rotary frequencies; pass rope: "interleaved" or "half" with it`,
      );
    return null;
  }
  return { layout: args.rope, base: args.ropeBase ?? 10000 };
}

/**
 * Rotates `x [B, N, L, H]` (H even) as positions start, start + 1, …, start + L − 1:
 * x̃ = x ⊙ cos φ + rotate(x) ⊙ sin φ, rotate(a, b) = (−b, a) on each pair. Runs inside the caller's tidy.
 * @example
 *   const q = tf.ones([1, 1, 3, 4]);
 *   ropeRotate(q, 0, { layout: "interleaved", base: 10000 }).arraySync()[0][0][1]; // tier-1 applyRope row 1
 */
export function ropeRotate(x: tf.Tensor, start: number, setting: RopeSetting): tf.Tensor {
  const [b, n, len, h] = x.shape;
  if (x.rank !== 4 || b === undefined || n === undefined || len === undefined || h === undefined)
    throw new RangeError(`ropeRotate: x must be [B, N, L, H], got [${x.shape}]`);
  if (h % 2 !== 0)
    throw new RangeError(
      `ropeRotate: head size ${h} is odd; RoPE rotates pairs of features, so H must be even`,
    );
  if (!Number.isInteger(start) || start < 0)
    throw new RangeError(`ropeRotate: start must be an integer ≥ 0, got ${start}`);
  const half = h / 2;
  // 1) angles φ[p, i] = p·θ_i, laid out per feature: both members of pair i get φ_i
  const theta = Array.from({ length: half }, (_, i) => setting.base ** (-(2 * i) / h));
  const cos = new Float32Array(len * h);
  const sin = new Float32Array(len * h);
  for (let p = 0; p < len; p++)
    for (let i = 0; i < half; i++) {
      const angle = (start + p) * theta[i]!;
      const [a, c] = setting.layout === "interleaved" ? [2 * i, 2 * i + 1] : [i, i + half];
      for (const f of [a, c]) {
        cos[p * h + f] = Math.cos(angle);
        sin[p * h + f] = Math.sin(angle);
      }
    }
  const cosT = tf.tensor2d(cos, [len, h]); // [L, H]
  const sinT = tf.tensor2d(sin, [len, h]); // [L, H]
  // 2) rotate(x): each pair (a, b) → (−b, a)
  let rotated: tf.Tensor; // [B, N, L, H]
  if (setting.layout === "interleaved") {
    const pairs = x.reshape([b, n, len, half, 2]);
    const [even, odd] = tf.split(pairs, 2, 4); // [B, N, L, H/2, 1] each
    rotated = tf.concat([tf.neg(odd as tf.Tensor), even as tf.Tensor], 4).reshape([b, n, len, h]);
  } else {
    const [first, second] = tf.split(x, 2, 3); // [B, N, L, H/2] each
    rotated = tf.concat([tf.neg(second as tf.Tensor), first as tf.Tensor], 3);
  }
  // 3) x ⊙ cos + rotate(x) ⊙ sin
  return tf.add(tf.mul(x, cosT), tf.mul(rotated, sinT));
}
