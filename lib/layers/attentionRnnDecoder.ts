/**
 * An RNN decoder with attention over the encoder outputs, run step by step over the target positions:
 * Bahdanau (additive; score from the previous state, context fed to the cell) or Luong (dot / general; score
 * from the current output, attentional state h̃ = tanh(W_c [c; h])). Follows: Bahdanau et al. 2015 §3.1 and
 * App. A.2; Luong et al. 2015 §3 eq. 5–6 (global attention, no input feeding); d2l §11.4.
 *
 * Weight layout (`getWeights()` order). additive: `outputKernel [2H, V]` (readout of [s_t; c_t], App. A.2.2
 * without the maxout), `outputBias [V]`, then the cell, then {@link AdditiveAttention} (W_q, W_k, v).
 * dot / general: `combineKernel [2H, H]` = W_c (no bias, as eq. 5), `outputKernel [H, V]` = W_s,
 * `outputBias [V]`, then the cell, then for general {@link GeneralAttention} (W). Cells: tfjs `gruCell` /
 * `lstmCell` (kernel, recurrentKernel, bias).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { AdditiveAttention } from "./additiveAttention.js";
import { type AttentionMaskArgs, attentionMask, maskedSoftmax, NO_UPSTREAM_MASK } from "./attentionMask.js";
import { CompositeLayer } from "./compositeLayer.js";
import { GeneralAttention } from "./generalAttention.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  SEED,
  SIZE,
} from "./layerOptions.js";
import { linear } from "./linear.js";
import { memoryMasks } from "./maskValues.js";
import { recurrentArgs } from "./recurrentArgs.js";
import type { AttentionResult } from "./multiHeadAttention.js";

export { recurrentArgs };

/** Constructor arguments of {@link AttentionRnnDecoder}. */
export interface AttentionRnnDecoderArgs extends BaseLayerArgs {
  /** Hidden width H of the cell; also the width of the memory (encoder outputs). Required. */
  units: number;
  /** Output vocabulary V (columns of the logits). Required. */
  vocabSize: number;
  /** Recurrent cell. Default "gru". */
  cell?: "gru" | "lstm";
  /** Score function and decoder variant (Bahdanau: additive; Luong: dot, general). Default "additive". */
  attention?: "additive" | "dot" | "general";
  /** Seed of every initializer. Default 0. */
  seed?: number;
}

/** The rules of {@link AttentionRnnDecoderArgs} (with tfjs's base layer keys). */
const ARGS = {
  units: SIZE({ required: true }),
  vocabSize: SIZE({ required: true }),
  cell: opt.oneOf(["gru", "lstm"]),
  attention: opt.oneOf(["additive", "dot", "general"]),
  seed: SEED,
};

/** The masks the decoder takes (over the memory, so no causal mask) and `returnAttention`. */
const MASKS = { validLens: opt.any(), attentionMask: opt.any() };
const CALL_SPEC = { ...MASKS, returnAttention: opt.boolean() };

/** Everything one decoder run produces (the caller disposes it). */
export interface DecoderRun {
  /** Logits `[B, T, V]`. */
  logits: tf.Tensor;
  /** Attention weights `[B, T, S]`: row t sums to 1 over the valid source positions. */
  weights: tf.Tensor;
  /** The query each step scored with, `[B, T, H]`: s_{t−1} (additive) or h_t (dot, general). */
  queries: tf.Tensor;
  /** The cell state after the last step: `[h]` (GRU) or `[h, c]` (LSTM), each `[B, H]`. */
  state: tf.Tensor[];
}

/** Call arguments: source padding and whether to return the weights `[B, T, S]` too. */
export interface RnnDecoderCallArgs extends Omit<AttentionMaskArgs, "causal"> {
  returnAttention?: boolean;
  training?: boolean;
}

/** Decoder. Inputs `[embedded [B, T, E], memory [B, S, H], h0 [B, H] (, c0 for LSTM)]` → `[B, T, V]`. */
export class AttentionRnnDecoder extends CompositeLayer {
  static className = "AttentionRnnDecoder";
  readonly units: number;
  readonly vocabSize: number;
  readonly cellType: "gru" | "lstm";
  readonly attentionType: "additive" | "dot" | "general";
  readonly seed: number;
  readonly cell: tf.layers.Layer;
  readonly scorer: AdditiveAttention | GeneralAttention | null;
  private params: tf.LayerVariable[] = [];

  constructor(args: AttentionRnnDecoderArgs) {
    super(baseLayerArgs(checkLayerArgs("AttentionRnnDecoder", args, ARGS)));
    this.units = args.units;
    this.vocabSize = args.vocabSize;
    this.cellType = args.cell ?? "gru";
    this.attentionType = args.attention ?? "additive";
    this.seed = args.seed ?? 0;
    const cellArgs = recurrentArgs(this.units, this.seed);
    this.cell = this.cellType === "lstm" ? tf.layers.lstmCell(cellArgs) : tf.layers.gruCell(cellArgs);
    const scoreSeed = this.seed * 97 + 5;
    this.scorer =
      this.attentionType === "additive"
        ? new AdditiveAttention({ units: this.units, seed: scoreSeed })
        : this.attentionType === "general"
          ? new GeneralAttention({ seed: scoreSeed })
          : null;
  }

  protected sublayers(): tf.layers.Layer[] {
    return this.scorer === null ? [this.cell] : [this.cell, this.scorer];
  }

  get bahdanau(): boolean {
    return this.attentionType === "additive";
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const e = (inputShape as tf.Shape[])[0]!.at(-1)!;
    const h = this.units;
    const init = (k: number) => tf.initializers.glorotUniform({ seed: this.seed * 97 + 10 + k });
    this.params = this.bahdanau
      ? [this.addWeight("outputKernel", [2 * h, this.vocabSize], "float32", init(0))]
      : [
          this.addWeight("combineKernel", [2 * h, h], "float32", init(1)),
          this.addWeight("outputKernel", [h, this.vocabSize], "float32", init(0)),
        ];
    this.params.push(this.addWeight("outputBias", [this.vocabSize], "float32", tf.initializers.zeros()));
    this.buildSublayer(this.cell, [null, this.bahdanau ? e + h : e]);
    if (this.scorer !== null)
      this.buildSublayer(this.scorer, [
        [null, 1, h],
        [null, null, h],
      ]);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const x = (inputShape as tf.Shape[])[0]!;
    return [x[0]!, x[1]!, this.vocabSize];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: RnnDecoderCallArgs = {}): tf.Tensor | tf.Tensor[] {
    checkCallArgs("AttentionRnnDecoder", kwargs, CALL_SPEC, NO_UPSTREAM_MASK);
    return tf.tidy(() => {
      const [embedded, memory, ...state] = inputs as tf.Tensor[];
      const { validLens, attentionMask } = kwargs;
      const { logits, weights } = this.run(embedded!, memory!, state, { validLens, attentionMask });
      return kwargs.returnAttention ? [logits, weights] : logits;
    });
  }

  /**
   * Teacher-forced run over `embedded [B, T, E]` from `state` (the encoder's final state), attending over
   * `memory [B, S, H]` with the padding in `masks`. The layer must be built (apply it once, or build it).
   */
  run(
    embedded: tf.Tensor,
    memory: tf.Tensor,
    state: tf.Tensor[],
    masks: Omit<AttentionMaskArgs, "causal"> = {},
  ): DecoderRun {
    checkCallArgs("AttentionRnnDecoder.run", masks, MASKS, NO_UPSTREAM_MASK);
    return tf.tidy(() => {
      const run = this.steps(embedded, memory, state, memoryMasks("AttentionRnnDecoder", memory, masks));
      return { logits: run.logits, weights: run.weights, queries: run.queries, state: run.state };
    });
  }

  private steps(
    embedded: tf.Tensor,
    memory: tf.Tensor,
    state: tf.Tensor[],
    masks: AttentionMaskArgs,
  ): DecoderRun {
    const [b, t] = embedded.shape as number[];
    const steps = tf.unstack(embedded, 1); // T × [B, E]
    const [features, weights, queries]: tf.Tensor[][] = [[], [], []];
    let s = state;
    for (let i = 0; i < t!; i++) {
      const out = this.bahdanau
        ? this.bahdanauStep(steps[i]!, memory, s, masks)
        : this.luongStep(steps[i]!, memory, s, masks);
      features.push(out.feature);
      weights.push(out.weights);
      queries.push(out.query);
      s = out.state;
    }
    const stacked = tf.stack(features, 1); // [B, T, 2H] (additive) or [B, T, H] (Luong h̃)
    const [kernel, bias] = this.bahdanau
      ? [this.params[0]!, this.params[1]!]
      : [this.params[1]!, this.params[2]!];
    return {
      logits: linear(stacked, kernel.read(), bias.read()), // [B, T, V]
      weights: tf.concat(weights, 1), // [B, T, S]
      queries: tf.stack(queries, 1).reshape([b!, t!, this.units]), // [B, T, H]
      state: s,
    };
  }

  /** Bahdanau: 1) score with s_{t−1} 2) context c_t 3) cell on [y_{t−1}; c_t] 4) readout on [s_t; c_t]. */
  private bahdanauStep(x: tf.Tensor, memory: tf.Tensor, state: tf.Tensor[], masks: AttentionMaskArgs) {
    const query = state[0]!; // [B, H]
    const { output, weights } = this.attend(query, memory, masks); // [B, H], [B, 1, S]
    const [h, ...next] = this.cell.call([tf.concat([x, output], -1), ...state], {}) as tf.Tensor[]; // [B, H]
    return { feature: tf.concat([h!, output], -1), weights, query, state: next }; // [B, 2H]
  }

  /** Luong: 1) cell on y_{t−1} 2) score with h_t 3) context c_t 4) h̃_t = tanh(W_c [c_t; h_t]) (eq. 5). */
  private luongStep(x: tf.Tensor, memory: tf.Tensor, state: tf.Tensor[], masks: AttentionMaskArgs) {
    const [h, ...next] = this.cell.call([x, ...state], {}) as tf.Tensor[]; // [B, H]
    const { output, weights } = this.attend(h!, memory, masks); // [B, H], [B, 1, S]
    const feature = tf.tanh(linear(tf.concat([output, h!], -1), this.params[0]!.read())); // [B, H]
    return { feature, weights, query: h!, state: next };
  }

  /** One query per example `[B, H]` against `memory [B, S, H]` → context `[B, H]` and weights `[B, 1, S]`. */
  private attend(query: tf.Tensor, memory: tf.Tensor, masks: AttentionMaskArgs): AttentionResult {
    const [b, s, h] = memory.shape as number[];
    const q = query.reshape([b!, 1, h!]); // [B, 1, H]
    let result: AttentionResult;
    if (this.scorer !== null) result = this.scorer.callWithWeights([q, memory], masks);
    else {
      // Luong "dot": h_tᵀ h̄_s, then the shared masked softmax
      const scores = tf.matMul(q, memory, false, true); // [B, 1, S]
      const weights = maskedSoftmax(scores, attentionMask(b!, 1, s!, masks, "AttentionRnnDecoder")); // [B, 1, S]
      result = { output: tf.matMul(weights, memory), weights }; // [B, 1, H]
    }
    return { output: result.output.reshape([b!, h!]), weights: result.weights }; // [B, H]
  }

  /** Runs the layer (building it if needed) and returns logits `[B, T, V]` and weights `[B, T, S]`. */
  callWithWeights(inputs: tf.Tensor[], kwargs: Omit<AttentionMaskArgs, "causal"> = {}): AttentionResult {
    checkCallArgs("AttentionRnnDecoder.callWithWeights", kwargs, MASKS, NO_UPSTREAM_MASK);
    const [output, weights] = this.apply(inputs, { ...kwargs, returnAttention: true }) as tf.Tensor[];
    return { output: output!, weights: weights! };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      vocabSize: this.vocabSize,
      cell: this.cellType,
      attention: this.attentionType,
      seed: this.seed,
    };
  }
}

tf.serialization.registerClass(AttentionRnnDecoder);
