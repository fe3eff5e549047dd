/**
 * The similarity model: a siamese aligner with cross-attention and a cosine readout, the trainable version of the
 * worked example (`worked.ts`). Both sentences go through the same word vectors x_t = E[w_t]. Each word of A
 * looks up its counterpart in B, ã_i = Σ_j α_ij x^B_j with α = softmax_j(γ x^A_i · x^B_j / √d) (a learned
 * sharpness γ: the worked example shows that a soft softmax blurs the match), and the alignment score is a
 * weighted mean of cosines, sim(A→B) = Σ_i β_i cos(x^A_i, ã_i), where attention pooling
 * β = softmax_i(vᵀ tanh(x_i W + b)) learns which words matter (content words) and which do not (的, 很, 了).
 * sim = ½(sim(A→B) + sim(B→A)), and the logit is s·sim + c (p(paraphrase) = σ of it).
 *
 * Why no self-attention layer in the encoder: in calibration runs a contextual encoder h = x + MHA(x) did worse on
 * the held-out templates — matching on h let a swapped word look like its neighbours (ROC-AUC ≈ 0.95), and word
 * weights read from h learned the training templates' word order (ROC-AUC falling from 0.97 to 0.91 over 8
 * epochs) — while context-free word vectors reach ≈ 0.999. For the same reason the kit's `PoolingClassifier`
 * (positions, self-attention, one pooled vector per sentence) does not fit here; its parts do (the embedding and
 * `AttentionPooling`).
 *
 * Weight layout (`getWeights()` order): `logSharpness []` (log γ, starting at log 4), the word `embeddings
 * [V, d]`, the word-importance pooling (`kernel [d, d]`, `bias [d]`, `context [d]`), the readout's `kernel
 * [1, 1]` (s, starting at 5) and `bias [1]` (c, starting at −2.5).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { attentionMask, maskedSoftmax } from "../../layers/attentionMask.js";
import { CompositeLayer } from "../../layers/compositeLayer.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  SEED,
  SIZE,
} from "../../layers/layerOptions.js";
import { AttentionPooling } from "../../layers/pooling/attentionPooling.js";
import {
  type AttentionCallRules,
  applyReturningAttention,
  type WithAttention,
} from "../../layers/withAttention.js";
import { childSeed } from "../../random/childSeed.js";
import { SIMILARITY_VOCAB } from "./data.js";

/** Settings of {@link SiameseAligner}. */
export interface SiameseAlignerArgs extends BaseLayerArgs {
  vocabSize: number;
  /** Width d of the word vectors. */
  dModel: number;
  /** Seed of every initializer (each part's is `childSeed(seed, part)`). */
  seed: number;
}

const ARGS = { vocabSize: SIZE({ required: true }), dModel: SIZE({ required: true }), seed: SEED };

/** Call options: the padding of each side, the training mode, and (for `call`) whether to return attention. */
export interface SiameseAlignerCallArgs {
  /** `[B]` valid lengths of the first sentences. Default: every position. */
  validLensA?: tf.Tensor;
  /** `[B]` valid lengths of the second sentences. */
  validLensB?: tf.Tensor;
  training?: boolean;
  /** Return `[logits, aToB, bToA, importanceA, importanceB]` instead of `logits`. Default false. */
  returnAttention?: boolean;
}

/** The attention of one call: cross-attention each way and the word weights β of each side. */
export interface SimilarityAttention {
  /** `[B, Ta, Tb]`: row i is word i of A attending over B's words. */
  aToB: tf.Tensor3D;
  /** `[B, Tb, Ta]`. */
  bToA: tf.Tensor3D;
  /** β of A's words `[B, Ta]` (0 on padding). */
  importanceA: tf.Tensor2D;
  /** β of B's words `[B, Tb]`. */
  importanceB: tf.Tensor2D;
}

/** Every intermediate of one forward pass. */
interface SimilarityPass extends SimilarityAttention {
  /** `[B]` in [−1, 1]. */
  similarity: tf.Tensor1D;
  /** `[B, 1]`. */
  logits: tf.Tensor2D;
}

const CALL_SPEC = {
  validLensA: opt.any(),
  validLensB: opt.any(),
  returnAttention: opt.boolean(),
};
const WITH_ATTENTION: AttentionCallRules = {
  spec: { validLensA: opt.any(), validLensB: opt.any() },
  mask: { refuse: "; pass validLensA and validLensB" },
};

/** Inputs `[idsA [B, Ta], idsB [B, Tb]]` (int32) → paraphrase logits `[B, 1]`. */
export class SiameseAligner extends CompositeLayer {
  static className = "SiameseAligner";
  readonly vocabSize: number;
  readonly dModel: number;
  readonly seed: number;
  /** Shared word vectors x_t = E[w_t]. */
  readonly embedding: tf.layers.Layer;
  /** β: which words matter. */
  readonly importance: AttentionPooling;
  /** logit = s·sim + c. */
  readonly readout: tf.layers.Layer;
  private logSharpness: tf.LayerVariable | null = null;

  constructor(args: SiameseAlignerArgs) {
    super(baseLayerArgs(checkLayerArgs("SiameseAligner", args, ARGS)));
    this.vocabSize = args.vocabSize;
    this.dModel = args.dModel;
    this.seed = args.seed;
    this.embedding = tf.layers.embedding({
      inputDim: args.vocabSize,
      outputDim: args.dModel,
      embeddingsInitializer: tf.initializers.glorotUniform({ seed: childSeed(args.seed, "embedding") }),
    });
    this.importance = new AttentionPooling({
      score: "mlp",
      units: args.dModel,
      seed: childSeed(args.seed, "importance"),
    });
    this.readout = tf.layers.dense({
      units: 1,
      kernelInitializer: tf.initializers.constant({ value: 5 }),
      biasInitializer: tf.initializers.constant({ value: -2.5 }),
    });
  }

  protected sublayers(): tf.layers.Layer[] {
    return [this.embedding, this.importance, this.readout];
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    const init = tf.initializers.constant({ value: Math.log(4) });
    this.logSharpness = this.addWeight("logSharpness", [], "float32", init);
    this.buildSublayer(this.embedding, [null, null]);
    this.buildSublayer(this.importance, [null, null, this.dModel]);
    this.buildSublayer(this.readout, [null, 1]);
    this.built = true;
  }

  /** Builds the weights now (as the first call would), so that `trainableWeights` is complete. */
  ensureBuilt(): this {
    if (!this.built) tf.tidy(() => void this.apply([tf.zeros([1, 1], "int32"), tf.zeros([1, 1], "int32")]));
    return this;
  }

  /** γ, the learned sharpness of the cross-attention. */
  sharpness(): number {
    return tf.tidy(() => tf.exp(this.builtSharpness()).dataSync()[0]!);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [(inputShape as tf.Shape[])[0]?.[0] ?? null, 1];
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: SiameseAlignerCallArgs = {},
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs("SiameseAligner", kwargs, CALL_SPEC, WITH_ATTENTION.mask);
    return tf.tidy(() => {
      const p = this.forward(inputs, kwargs);
      return kwargs.returnAttention ? [p.logits, p.aToB, p.bToA, p.importanceA, p.importanceB] : p.logits;
    });
  }

  /**
   * `apply` that also returns the attention: output = logits `[B, 1]`, attention = both cross-attention maps and
   * both sides' word weights (the caller disposes them). Builds the model on first use.
   */
  applyWithAttention(
    inputs: tf.Tensor[],
    kwargs: Omit<SiameseAlignerCallArgs, "returnAttention"> = {},
  ): WithAttention<SimilarityAttention> {
    const [output, aToB, bToA, importanceA, importanceB] = applyReturningAttention<tf.Tensor[]>(
      this,
      inputs,
      kwargs,
      WITH_ATTENTION,
      4,
    );
    const attention = { aToB, bToA, importanceA, importanceB } as SimilarityAttention;
    return { output: output!, attention };
  }

  /** The symmetric similarity `[B]` in [−1, 1] of `[idsA, idsB]`: the score before the readout. */
  similarity(inputs: tf.Tensor[], kwargs: Omit<SiameseAlignerCallArgs, "returnAttention"> = {}): tf.Tensor1D {
    checkCallArgs("SiameseAligner.similarity", kwargs, CALL_SPEC, WITH_ATTENTION.mask);
    this.ensureBuilt();
    return tf.tidy(() => this.forward(inputs, kwargs).similarity);
  }

  /** 1) word vectors 2) cross-attention each way 3) cosines 4) word weights β 5) weighted mean 6) readout. */
  private forward(inputs: tf.Tensor | tf.Tensor[], kwargs: SiameseAlignerCallArgs): SimilarityPass {
    const [idsA, idsB] = pairInputs(inputs);
    checkIds(idsA, "idsA", this.vocabSize);
    checkIds(idsB, "idsB", this.vocabSize);
    const { validLensA: lensA, validLensB: lensB } = kwargs;
    const xa = this.embedding.apply(idsA) as tf.Tensor3D; // [B, Ta, d]
    const xb = this.embedding.apply(idsB) as tf.Tensor3D; // [B, Tb, d]
    const aToB = this.align(xa, xb, lensB); // α [B, Ta, Tb], cos [B, Ta]
    const bToA = this.align(xb, xa, lensA); // [B, Tb, Ta], [B, Tb]
    const importanceA = this.weigh(xa, lensA); // β [B, Ta]
    const importanceB = this.weigh(xb, lensB); // [B, Tb]
    const directed = (beta: tf.Tensor, cos: tf.Tensor) => tf.sum(tf.mul(beta, cos), 1); // [B]
    const both = tf.add(directed(importanceA, aToB.cosines), directed(importanceB, bToA.cosines));
    const similarity = tf.mul(both, 0.5) as tf.Tensor1D; // [B]
    const logits = this.readout.apply(tf.expandDims(similarity, 1)) as tf.Tensor2D; // [B, 1]
    return { similarity, logits, aToB: aToB.cross, bToA: bToA.cross, importanceA, importanceB };
  }

  /** Each query word attends over `keys` (γ-scaled dot products, keys' padding masked) and is cosine-compared. */
  private align(queries: tf.Tensor3D, keys: tf.Tensor3D, keyLens: tf.Tensor | undefined) {
    const [b, t, d] = queries.shape;
    const s = keys.shape[1];
    const scale = tf.mul(tf.exp(this.builtSharpness()), 1 / Math.sqrt(d));
    const scores = tf.mul(tf.matMul(queries, keys, false, true), scale); // γ q·k/√d: [B, T, S]
    const mask = attentionMask(b, t, s, { validLens: keyLens }, "SiameseAligner");
    const cross = maskedSoftmax(scores, mask) as tf.Tensor3D; // α [B, T, S]
    const aligned = tf.matMul(cross, keys); // ã [B, T, d]
    return { cross, cosines: cosineRows(queries, aligned) }; // [B, T, S], [B, T]
  }

  /** β over the words of one side `[B, T]` (padding gets 0); the pooled vector itself is not used. */
  private weigh(x: tf.Tensor3D, lens: tf.Tensor | undefined): tf.Tensor2D {
    const r = this.importance.applyWithAttention(lens === undefined ? x : [x, lens]);
    r.output.dispose();
    return r.attention;
  }

  private builtSharpness(): tf.Tensor {
    if (this.logSharpness === null)
      throw new Error("SiameseAligner: call before build; use apply or ensureBuilt");
    return this.logSharpness.read();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), vocabSize: this.vocabSize, dModel: this.dModel, seed: this.seed };
  }
}

/** Row-wise cosine of `[B, T, d]` and `[B, T, d]`: `[B, T]` (a zero row gives 0). */
export function cosineRows(x: tf.Tensor, y: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const norm = (v: tf.Tensor) => tf.sqrt(tf.add(tf.sum(tf.square(v), 2), 1e-9)); // [B, T]
    return tf.div(tf.sum(tf.mul(x, y), 2), tf.mul(norm(x), norm(y))) as tf.Tensor2D;
  });
}

/** `[idsA [B, Ta], idsB [B, Tb]]`, checked. */
function pairInputs(inputs: tf.Tensor | tf.Tensor[]): [tf.Tensor2D, tf.Tensor2D] {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const [a, b] = list;
  if (list.length !== 2 || a === undefined || b === undefined || a.rank !== 2 || b.rank !== 2) {
    throw new RangeError(
      `SiameseAligner: expects inputs [idsA [B, Ta], idsB [B, Tb]], got ${list.length} tensor(s)`,
    );
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new RangeError(
      `SiameseAligner: idsA and idsB must have the same batch, got ${a.shape[0]} and ${b.shape[0]}`,
    );
  }
  return [a as tf.Tensor2D, b as tf.Tensor2D];
}

/** Word ids must be integers in [0, vocabSize): tfjs-wasm's gather does not bounds-check. */
function checkIds(ids: tf.Tensor, name: string, vocabSize: number): void {
  const values = ids.dataSync();
  const bad = values.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= vocabSize);
  if (bad >= 0) {
    throw new RangeError(
      `SiameseAligner: ${name} must hold word ids, integers in [0, ${vocabSize}) (vocabSize), got ${values[bad]}`,
    );
  }
}

/** The aligner over the similarity vocabulary, built, seeded by `childSeed(seed, "model")`. */
export function similarityModel(config: { seed: number; dModel: number }): SiameseAligner {
  return new SiameseAligner({
    vocabSize: SIMILARITY_VOCAB.length,
    dModel: config.dModel,
    seed: childSeed(config.seed, "model"),
  }).ensureBuilt();
}

tf.serialization.registerClass(SiameseAligner);
