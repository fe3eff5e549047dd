/**
 * The Transformer encoder and decoder blocks on plain arrays, built from their parts — multi-head attention,
 * residual + LayerNorm, feed-forward — with every intermediate named, so a notebook can print each step.
 * Follows: Vaswani et al. 2017 §3.1 (encoder: self-attention then FFN; decoder: masked self-attention, then
 * attention over the encoder output, then FFN; "LayerNorm(x + Sublayer(x))"), §3.2.3 (the causal mask), Xiong
 * et al. 2020 (pre-LN); the tier-2 `TransformerEncoderLayer` / `TransformerDecoderLayer`, which it equals with the
 * same weights (no dropout: inference).
 */
import { checkOptions, opt } from "../check/options.js";
import {
  type AttentionWeights,
  checkBlockWeights,
  type DecoderBlockWeights,
  type EncoderBlockWeights,
  type FeedForwardWeights,
} from "./blockWeights.js";
import { type FeedForwardActivation, type FeedForwardTrace, feedForward } from "./feedForward.js";
import { type MatrixLike, toMatrix } from "./input.js";
import type { LayerNormTrace } from "./layerNorm.js";
import { type BoolMatrix, buildMask, causalMask, type MaskSpec, resolveMask } from "./mask.js";
import type { Matrix, Shape } from "./matrix.js";
import { type MultiHeadTrace, multiHeadAttend } from "./multiHead.js";
import { type ResidualTrace, residualSublayer } from "./residual.js";
import { shapesOf, step, type TraceStep } from "./trace.js";

/** Options of {@link encoderBlock}. */
export interface EncoderBlockOptions {
  /** Number of heads N; it must divide E. Required. */
  numHeads: number;
  /** Pre-LN `x + f(LN(x))` instead of post-LN `LN(x + f(x))`. Default `false`. */
  normFirst?: boolean;
  /** LayerNorm ε, > 0. Default 1e-5. */
  epsilon?: number;
  /** FFN activation. Default "relu". */
  activation?: FeedForwardActivation;
  /** Self-attention mask `[T, T]`, e.g. padding `{ validLens: 3 }`. Default: none. */
  mask?: MaskSpec | BoolMatrix;
}

/** Options of {@link decoderBlock}. */
export interface DecoderBlockOptions extends EncoderBlockOptions {
  /** Extra self-attention mask `[T, T]` (target padding), ANDed with the causal mask, which always applies. */
  mask?: MaskSpec | BoolMatrix;
  /** Cross-attention mask `[T, S]`, e.g. source padding `{ validLens: 4 }`. Default: none. */
  memoryMask?: MaskSpec | BoolMatrix;
}

const BLOCK_RULES = {
  numHeads: opt.integer({ min: 1, required: true }),
  normFirst: opt.boolean(),
  epsilon: opt.number({ above: 0 }),
  activation: opt.oneOf(["relu", "gelu"]),
  mask: opt.any(),
} as const;

/**
 * Every intermediate of an encoder block over `x [T, E]`. Sublayer k has LayerNorm k: post-LN
 * residual1 = x + A(x), norm1 = LN(residual1), residual2 = norm1 + F(norm1), output = norm2 = LN(residual2);
 * pre-LN norm1 = LN(x), residual1 = x + A(norm1), norm2 = LN(residual1), output = residual2 = residual1 + F(norm2).
 */
export interface EncoderBlockTrace {
  normFirst: boolean;
  /** The self-attention mask applied, `[T, T]`; present when one was given. */
  selfMask?: BoolMatrix;
  /** Multi-head self-attention (per-head weights in `selfAttention.heads[n].weights`), output `[T, E]`. */
  selfAttention: MultiHeadTrace;
  /** The first residual sum, `[T, E]`. */
  residual1: Matrix;
  norm1: LayerNormTrace;
  /** The feed-forward network, output `[T, E]`. */
  ffn: FeedForwardTrace;
  /** The second residual sum, `[T, E]`. */
  residual2: Matrix;
  norm2: LayerNormTrace;
  /** The block's output, `[T, E]`. */
  output: Matrix;
  /** The steps in computation order (each value `[T, E]`), with equations. */
  steps: TraceStep[];
  shapes: Record<string, Shape>;
}

/** Every intermediate of a decoder block over `x [T, E]` and `memory [S, E_m]` (same pattern, three sublayers). */
export interface DecoderBlockTrace extends EncoderBlockTrace {
  /** The self-attention mask applied (causal AND `options.mask`), `[T, T]`. */
  selfMask: BoolMatrix;
  /** The cross-attention mask applied, `[T, S]`; present when one was given. */
  memoryMask?: BoolMatrix;
  /** Multi-head attention of the block's queries over `memory`, output `[T, E]`. */
  crossAttention: MultiHeadTrace;
  /** The third residual sum, `[T, E]`. */
  residual3: Matrix;
  norm3: LayerNormTrace;
}

/**
 * A Transformer encoder block: Y = sublayer₂(sublayer₁(X)) with sublayer₁ multi-head self-attention and
 * sublayer₂ the FFN, each residual + LayerNorm (post-LN or pre-LN). `x [T, E]` → `[T, E]`.
 * @example
 *   const I = [[1, 0], [0, 1]];
 *   const w = { selfAttention: { wq: I, wk: I, wv: I, wo: I }, feedForward: { w1: I, w2: I } };
 *   const t = encoderBlock([[1, 2], [3, 5]], w, { numHeads: 1, mask: { validLens: 1 } });
 *   t.selfAttention.heads[0].weights; // [[1, 0], [1, 0]] (key 1 is padding)
 *   t.residual1; // [[2, 4], [4, 7]]
 *   t.output; // [[-1, 1], [-1, 1]] (to 1e-4: every row of norm1 is [−1, 1], LN of norm1 + ReLU(norm1))
 */
export function encoderBlock(
  x: MatrixLike,
  weights: EncoderBlockWeights,
  options: EncoderBlockOptions,
): EncoderBlockTrace {
  const where = "encoderBlock";
  const o = checkOptions(where, options, BLOCK_RULES);
  const m = toMatrix(`${where}: x`, x);
  const e = m[0]!.length;
  checkBlockWeights(where, "encoder", weights, { e, numHeads: o.numHeads });
  const t = m.length;
  const selfMask = o.mask === undefined ? undefined : resolveMask(where, "options.mask", t, t, o.mask);
  const norm = (k: 1 | 2) => ({ normFirst: o.normFirst, epsilon: o.epsilon, ...weights[`norm${k}`] });
  // 1) self-attention sublayer 2) feed-forward sublayer
  const s1 = residualSublayer(m, selfAttend(o.numHeads, weights.selfAttention, selfMask), norm(1));
  const s2 = residualSublayer(s1.output, feedForwardOf(weights.feedForward, o.activation), norm(2));
  const normFirst = o.normFirst ?? false;
  return {
    normFirst,
    selfMask,
    selfAttention: s1.sublayer,
    residual1: s1.sum,
    norm1: s1.norm,
    ffn: s2.sublayer,
    residual2: s2.sum,
    norm2: s2.norm,
    output: s2.output,
    ...blockSteps(normFirst, [
      ["selfAttention", s1],
      ["ffn", s2],
    ]),
  };
}

/**
 * A Transformer decoder block: causal multi-head self-attention, then multi-head attention over the encoder
 * output `memory` (queries from the block, keys and values from memory), then the FFN, each residual + LayerNorm.
 * `x [T, E]`, `memory [S, E_m]` → `[T, E]`.
 * @example
 *   const I = [[1, 0], [0, 1]];
 *   const a = { wq: I, wk: I, wv: I, wo: I };
 *   const w = { selfAttention: a, crossAttention: a, feedForward: { w1: I, w2: I } };
 *   const t = decoderBlock([[1, 2], [3, 5]], [[0, 1]], w, { numHeads: 2 });
 *   t.selfMask; // [[true, false], [true, true]] (causal)
 *   t.crossAttention.heads[1].weights; // [[1], [1]] (one memory row)
 *   t.output.length; // 2
 */
export function decoderBlock(
  x: MatrixLike,
  memory: MatrixLike,
  weights: DecoderBlockWeights,
  options: DecoderBlockOptions,
): DecoderBlockTrace {
  const where = "decoderBlock";
  const o = checkOptions(where, options, { ...BLOCK_RULES, memoryMask: opt.any() });
  const m = toMatrix(`${where}: x`, x);
  const mem = toMatrix(`${where}: memory`, memory);
  const [t, e, s] = [m.length, m[0]!.length, mem.length];
  checkBlockWeights(where, "decoder", weights, { e, numHeads: o.numHeads, memoryWidth: mem[0]!.length });
  // the causal mask AND the caller's (target padding), checked first so that its errors name options.mask
  const extra = o.mask === undefined ? undefined : resolveMask(where, "options.mask", t, t, o.mask);
  const selfMask = extra === undefined ? causalMask(t, t) : buildMask(t, t, { matrix: extra, causal: true }); // [T, T]
  const memoryMask =
    o.memoryMask === undefined ? undefined : resolveMask(where, "options.memoryMask", t, s, o.memoryMask);
  const norm = (k: 1 | 2 | 3) => ({ normFirst: o.normFirst, epsilon: o.epsilon, ...weights[`norm${k}`] });
  // 1) causal self-attention 2) cross-attention over memory 3) feed-forward
  const s1 = residualSublayer(m, selfAttend(o.numHeads, weights.selfAttention, selfMask), norm(1));
  const cross = (h: Matrix) =>
    multiHeadAttend(h, mem, mem, { numHeads: o.numHeads, ...weights.crossAttention, mask: memoryMask });
  const s2 = residualSublayer(s1.output, cross, norm(2));
  const s3 = residualSublayer(s2.output, feedForwardOf(weights.feedForward, o.activation), norm(3));
  const normFirst = o.normFirst ?? false;
  return {
    normFirst,
    selfMask,
    memoryMask,
    selfAttention: s1.sublayer,
    residual1: s1.sum,
    norm1: s1.norm,
    crossAttention: s2.sublayer,
    residual2: s2.sum,
    norm2: s2.norm,
    ffn: s3.sublayer,
    residual3: s3.sum,
    norm3: s3.norm,
    output: s3.output,
    ...blockSteps(normFirst, [
      ["selfAttention", s1],
      ["crossAttention", s2],
      ["ffn", s3],
    ]),
  };
}

/** Self-attention as a sublayer f(h) = MultiHead(h, h, h) with these weights and mask. */
function selfAttend(numHeads: number, w: AttentionWeights, mask: BoolMatrix | undefined) {
  return (h: Matrix) => multiHeadAttend(h, h, h, { numHeads, ...w, mask });
}

/** The FFN as a sublayer f(h) = FFN(h) with these weights and activation. */
function feedForwardOf(w: FeedForwardWeights, activation: FeedForwardActivation | undefined) {
  return (h: Matrix) => feedForward(h, { ...w, activation });
}

/** How a block's sublayer appears in its steps: its symbol and the function it writes of its input `#`. */
const SUBLAYER_TEX: Record<SublayerName, { symbol: string; tex: string }> = {
  selfAttention: { symbol: "A", tex: "\\operatorname{MultiHead}(#, #, #)" },
  crossAttention: { symbol: "C", tex: "\\operatorname{MultiHead}(#, M, M)" },
  ffn: { symbol: "F", tex: "\\operatorname{FFN}(#)" },
};

type SublayerName = "selfAttention" | "crossAttention" | "ffn";

/**
 * The steps of a block in computation order, each value once, the last one named `output` (Y): post-LN
 * `A, R_1, H_1, F, R_2, Y` with Y = LN(R_2); pre-LN `H_1, A, R_1, H_2, F, Y` with Y = R_1 + F.
 */
function blockSteps(
  normFirst: boolean,
  sublayers: readonly [SublayerName, ResidualTrace<{ output: Matrix }>][],
): { steps: TraceStep[]; shapes: Record<string, Shape> } {
  const steps: TraceStep[] = [];
  let input = "X";
  sublayers.forEach(([name, r], i) => {
    const k = i + 1;
    const last = k === sublayers.length;
    const { symbol: f, tex } = SUBLAYER_TEX[name];
    const apply = (arg: string) => step(name, f, `${f} = ${tex.replaceAll("#", arg)}`, r.sublayer.output);
    if (normFirst) {
      steps.push(
        step(`norm${k}`, `H_${k}`, `H_${k} = \\operatorname{LN}(${input})`, r.norm.output),
        apply(`H_${k}`),
      );
      const sum = last ? "Y" : `R_${k}`;
      steps.push(step(last ? "output" : `residual${k}`, sum, `${sum} = ${input} + ${f}`, r.sum));
      input = sum;
    } else {
      steps.push(apply(input), step(`residual${k}`, `R_${k}`, `R_${k} = ${input} + ${f}`, r.sum));
      const h = last ? "Y" : `H_${k}`;
      steps.push(step(last ? "output" : `norm${k}`, h, `${h} = \\operatorname{LN}(R_${k})`, r.norm.output));
      input = h;
    }
  });
  return { steps, shapes: shapesOf(steps) };
}
