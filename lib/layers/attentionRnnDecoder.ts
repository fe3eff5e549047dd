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
import { childSeed } from "../random/childSeed.js";
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
import { type AttentionCallRules, applyReturningAttention, type WithAttention } from "./withAttention.js";

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
const WITH_ATTENTION: AttentionCallRules = { spec: MASKS, mask: NO_UPSTREAM_MASK };

/** The decoder's own weights: W_c (Luong only, `null` for Bahdanau), then the readout kernel and bias. */
interface ReadoutWeights {
  combineKernel: tf.LayerVariable | null;
  outputKernel: tf.LayerVariable;
  outputBias: tf.LayerVariable;
}

/** A cell state: `[h]` (GRU) or `[h, c]` (LSTM), each `[B, H]`. */
type CellState = [tf.Tensor, ...tf.Tensor[]];

/** One decoder step's result: the feature the readout reads, the weights, the query and the next state. */
interface StepResult {
  feature: tf.Tensor;
  weights: tf.Tensor;
  query: tf.Tensor;
  state: CellState;
}

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

/** What {@link AttentionRnnDecoder.applyWithAttention} takes: the source padding and the training mode. */
export interface RnnDecoderAttentionArgs extends Omit<AttentionMaskArgs, "causal"> {
  training?: boolean;
}

/** Call arguments: source padding, training mode and whether to return the weights `[B, T, S]` too. */
export interface RnnDecoderCallArgs extends RnnDecoderAttentionArgs {
  returnAttention?: boolean;
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
  private readout: ReadoutWeights | null = null;

  constructor(args: AttentionRnnDecoderArgs) {
    super(baseLayerArgs(checkLayerArgs("AttentionRnnDecoder", args, ARGS)));
    this.units = args.units;
    this.vocabSize = args.vocabSize;
    this.cellType = args.cell ?? "gru";
    this.attentionType = args.attention ?? "additive";
    this.seed = args.seed ?? 0;
    const cellArgs = recurrentArgs(this.units, this.seed);
    this.cell = this.cellType === "lstm" ? tf.layers.lstmCell(cellArgs) : tf.layers.gruCell(cellArgs);
    const scoreSeed = childSeed(this.seed, "scorer");
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
    const e = embeddedShape(inputShape)[2];
    const h = this.units;
    const init = (k: number) => tf.initializers.glorotUniform({ seed: childSeed(this.seed, `init/${k}`) });
    const weight = (name: string, shape: number[], k: number) =>
      this.addWeight(name, shape, "float32", init(k));
    // weight layout: additive outputKernel, outputBias; Luong combineKernel, outputKernel, outputBias
    const combineKernel = this.bahdanau ? null : weight("combineKernel", [2 * h, h], 1);
    this.readout = {
      combineKernel,
      outputKernel: weight("outputKernel", [this.bahdanau ? 2 * h : h, this.vocabSize], 0),
      outputBias: this.addWeight("outputBias", [this.vocabSize], "float32", tf.initializers.zeros()),
    };
    this.buildSublayer(this.cell, [null, this.bahdanau ? e + h : e]);
    if (this.scorer !== null)
      this.buildSublayer(this.scorer, [
        [null, 1, h],
        [null, null, h],
      ]);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, t] = embeddedShape(inputShape);
    return [b, t, this.vocabSize];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: RnnDecoderCallArgs = {}): tf.Tensor | tf.Tensor[] {
    checkCallArgs("AttentionRnnDecoder", kwargs, CALL_SPEC, NO_UPSTREAM_MASK);
    return tf.tidy(() => {
      const [embedded, memory, ...state] = Array.isArray(inputs) ? inputs : [inputs];
      if (embedded === undefined || memory === undefined) {
        throw new RangeError("AttentionRnnDecoder: expects inputs [embedded, memory, h0 (, c0 for LSTM)]");
      }
      const { validLens, attentionMask } = kwargs;
      const { logits, weights } = this.run(embedded, memory, state, { validLens, attentionMask });
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
    const s0 = checkRunInputs(embedded, memory, state, this.cellType === "lstm" ? 2 : 1);
    return tf.tidy(() => {
      const run = this.steps(embedded, memory, s0, memoryMasks("AttentionRnnDecoder", memory, masks));
      return { logits: run.logits, weights: run.weights, queries: run.queries, state: run.state };
    });
  }

  private steps(
    embedded: tf.Tensor,
    memory: tf.Tensor,
    state: CellState,
    masks: AttentionMaskArgs,
  ): DecoderRun {
    const [b, t] = embedded.shape as [number, number, number];
    const { combineKernel, outputKernel, outputBias } = this.builtReadout();
    const [features, weights, queries]: [tf.Tensor[], tf.Tensor[], tf.Tensor[]] = [[], [], []];
    let s = state;
    for (const x of tf.unstack(embedded, 1)) {
      // T steps of [B, E]
      const out =
        combineKernel === null
          ? this.bahdanauStep(x, memory, s, masks)
          : this.luongStep(x, memory, s, masks, combineKernel);
      features.push(out.feature);
      weights.push(out.weights);
      queries.push(out.query);
      s = out.state;
    }
    const stacked = tf.stack(features, 1); // [B, T, 2H] (additive) or [B, T, H] (Luong h̃)
    return {
      logits: linear(stacked, outputKernel.read(), outputBias.read()), // [B, T, V]
      weights: tf.concat(weights, 1), // [B, T, S]
      queries: tf.stack(queries, 1).reshape([b, t, this.units]), // [B, T, H]
      state: s,
    };
  }

  /** Bahdanau: 1) score with s_{t−1} 2) context c_t 3) cell on [y_{t−1}; c_t] 4) readout on [s_t; c_t]. */
  private bahdanauStep(
    x: tf.Tensor,
    memory: tf.Tensor,
    state: CellState,
    masks: AttentionMaskArgs,
  ): StepResult {
    const query = state[0]; // s_{t−1}, [B, H]
    const { output, attention } = this.attend(query, memory, masks); // [B, H], [B, 1, S]
    const { h, next } = this.cellStep(tf.concat([x, output], -1), state); // [B, H]
    return { feature: tf.concat([h, output], -1), weights: attention, query, state: next }; // [B, 2H]
  }

  /** Luong: 1) cell on y_{t−1} 2) score with h_t 3) context c_t 4) h̃_t = tanh(W_c [c_t; h_t]) (eq. 5). */
  private luongStep(
    x: tf.Tensor,
    memory: tf.Tensor,
    state: CellState,
    masks: AttentionMaskArgs,
    combineKernel: tf.LayerVariable,
  ): StepResult {
    const { h, next } = this.cellStep(x, state); // [B, H]
    const { output, attention } = this.attend(h, memory, masks); // [B, H], [B, 1, S]
    const feature = tf.tanh(linear(tf.concat([output, h], -1), combineKernel.read())); // [B, H]
    return { feature, weights: attention, query: h, state: next };
  }

  /** One cell step: tfjs's cells return `[h, ...next state]` (`[h, h]` GRU, `[h, h, c]` LSTM). */
  private cellStep(input: tf.Tensor, state: CellState): { h: tf.Tensor; next: CellState } {
    const [h, ...next] = cellState(this.cell.call([input, ...state], {}) as tf.Tensor[], "the cell output");
    return { h, next: cellState(next, "the cell's next state") };
  }

  /** One query per example `[B, H]` against `memory [B, S, H]` → context `[B, H]` and weights `[B, 1, S]`. */
  private attend(query: tf.Tensor, memory: tf.Tensor, masks: AttentionMaskArgs): WithAttention {
    const [b, s, h] = memory.shape as [number, number, number];
    const q = query.reshape([b, 1, h]); // [B, 1, H]
    let result: WithAttention;
    if (this.scorer !== null) result = this.scorer.applyWithAttention([q, memory], masks);
    else {
      // Luong "dot": h_tᵀ h̄_s, then the shared masked softmax
      const scores = tf.matMul(q, memory, false, true); // [B, 1, S]
      const weights = maskedSoftmax(scores, attentionMask(b, 1, s, masks, "AttentionRnnDecoder")); // [B, 1, S]
      result = { output: tf.matMul(weights, memory), attention: weights }; // [B, 1, H]
    }
    return { output: result.output.reshape([b, h]), attention: result.attention }; // [B, H]
  }

  /**
   * `apply` that also returns the attention weights: logits `[B, T, V]`, attention `[B, T, S]` (the caller
   * disposes both). Builds the layer on first use.
   */
  applyWithAttention(inputs: tf.Tensor[], kwargs: RnnDecoderAttentionArgs = {}): WithAttention {
    const [output, attention] = applyReturningAttention<[tf.Tensor]>(this, inputs, kwargs, WITH_ATTENTION, 1);
    return { output, attention };
  }

  /** The readout weights; the layer runs after `build` (through `apply`), so missing ones are a misuse. */
  private builtReadout(): ReadoutWeights {
    if (this.readout === null) {
      throw new Error("AttentionRnnDecoder: run before build; use apply, applyWithAttention or build");
    }
    return this.readout;
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

/** The shape of the first input, `embedded [B, T, E]`, with a known width E. */
function embeddedShape(inputShape: tf.Shape | tf.Shape[]): [number | null, number | null, number] {
  const first = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0] : undefined;
  const [b = null, t = null, e] = first ?? [];
  if (first?.length !== 3 || e === null || e === undefined) {
    throw new RangeError(
      `AttentionRnnDecoder: expects inputs [embedded [B, T, E], memory, h0 (, c0)] with a known E, got ${JSON.stringify(inputShape)}`,
    );
  }
  return [b, t, e];
}

/** Checks the ranks of a run's inputs and that `state` has `count` tensors `[B, H]` (1 for GRU, 2 for LSTM). */
function checkRunInputs(
  embedded: tf.Tensor,
  memory: tf.Tensor,
  state: tf.Tensor[],
  count: number,
): CellState {
  const where = "AttentionRnnDecoder";
  if (embedded.rank !== 3)
    throw new RangeError(`${where}: embedded must be [B, T, E], got [${embedded.shape}]`);
  if (memory.rank !== 3) throw new RangeError(`${where}: memory must be [B, S, H], got [${memory.shape}]`);
  if (state.length !== count || state.some((x) => x.rank !== 2)) {
    const got = state.map((x) => `[${x.shape}]`).join(", ");
    throw new RangeError(
      `${where}: the initial state must be ${count} tensor(s) [B, H] for this cell, got ${got || "none"}`,
    );
  }
  return cellState(state, "the initial state");
}

/** `list` as a cell state, which has at least one tensor. */
function cellState(list: tf.Tensor[], what: string): CellState {
  const [first, ...rest] = list;
  if (first === undefined) throw new RangeError(`AttentionRnnDecoder: ${what} has no tensor`);
  return [first, ...rest];
}
