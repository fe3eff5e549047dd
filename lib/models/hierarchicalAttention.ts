/**
 * A hierarchical attention network (HAN) as one tfjs layer: word vectors, a word encoder, attention pooling over
 * each sentence's words, an optional sentence encoder, attention pooling over the document's sentences, and a
 * linear classifier on the document vector. The two attention levels say which words make a sentence and which
 * sentences make the document. Follows: Yang et al. 2016, "Hierarchical Attention Networks for Document
 * Classification", §2 (eqs. 5–10), scaled down: the word encoder is a one-layer tanh MLP per word
 * (`encoder: "dense"`, no sentence encoder) or a forward GRU at both levels (`encoder: "gru"`; the paper's are
 * bidirectional).
 *
 * Input: token ids `[B, S, W]` (S sentences of W words, id 0 = padding: a word that is 0 gets no weight, a
 * sentence of only 0s gets none either). Output: class logits `[B, classes]`.
 *
 * Weight layout (`getWeights()` order), E = `embedSize`, D = `dModel`, A = `attentionUnits`, C = `classes`:
 * `embedding [V, E]`; the word encoder — dense: `kernel [E, D]`, `bias [D]`; gru: `kernel [E, 3D]`,
 * `recurrentKernel [D, 3D]`, `bias [3D]`; word attention `kernel [D, A]`, `bias [A]`, `context [A]`; with gru
 * the sentence encoder `kernel [D, 3D]`, `recurrentKernel [D, 3D]`, `bias [3D]`; sentence attention `kernel
 * [D, A]`, `bias [A]`, `context [A]`; classifier `kernel [D, C]`, `bias [C]`.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { CompositeLayer } from "../layers/compositeLayer.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  SEED,
  SIZE,
} from "../layers/layerOptions.js";
import { AttentionPooling } from "../layers/pooling/attentionPooling.js";
import { recurrentArgs } from "../layers/recurrentArgs.js";
import {
  type AttentionCallRules,
  applyReturningAttention,
  type WithAttention,
} from "../layers/withAttention.js";
import { childSeed } from "../random/childSeed.js";

/** Arguments of {@link HierarchicalAttention}. */
export interface HierarchicalAttentionArgs extends BaseLayerArgs {
  /** Rows V of the embedding table; ids must lie in [0, V). Required. */
  vocabSize: number;
  /** Classes C of the classifier. Required. */
  classes: number;
  /** Width D of the encoded words, the sentence vectors and the document vector. Default 32. */
  dModel?: number;
  /** Width E of the word vectors. Default `dModel`. */
  embedSize?: number;
  /** Hidden width A of each attention's scorer (u = tanh(h W + b), score uᵀ u_w). Default `dModel`. */
  attentionUnits?: number;
  /**
   * `"dense"` (default): h = tanh(x W + b) for each word on its own, and the sentence vectors pooled as they
   * are. `"gru"`: a forward GRU over each sentence's words and one over the document's sentences (padding must
   * then come last, as a forward GRU's output at a word never sees the words after it).
   */
  encoder?: "dense" | "gru";
  /**
   * Seed of the initial weights; the parts draw from `childSeed(seed, "embedding" | "wordEncoder" |
   * "wordAttention" | "sentenceEncoder" | "sentenceAttention" | "classifier")`. Default 0.
   */
  seed?: number;
}

/** Every setting of a {@link HierarchicalAttention}, defaults filled in. */
export type HierarchicalAttentionConfig = Required<Omit<HierarchicalAttentionArgs, keyof BaseLayerArgs>>;

const ARGS = {
  vocabSize: SIZE({ required: true, max: 10_000_000 }),
  classes: SIZE({ required: true, max: 1_000_000 }),
  dModel: SIZE({ max: 1_000_000 }),
  embedSize: SIZE({ max: 1_000_000 }),
  attentionUnits: SIZE({ max: 1_000_000 }),
  encoder: opt.oneOf(["dense", "gru"]),
  seed: SEED,
};

/** The attention of one call: word weights α `[B, S, W]` (each real sentence sums to 1) and β `[B, S]`. */
export interface HierarchicalAttentionWeights {
  words: tf.Tensor3D;
  sentences: tf.Tensor2D;
}

/** Call options: `training` (no effect: the model has no dropout) and, for `call`, `returnAttention`. */
export interface HierarchicalAttentionCallArgs {
  training?: boolean;
  /** `call` returns `[logits, α [B, S, W], β [B, S]]` instead of `logits`. Default false. */
  returnAttention?: boolean;
}

/** What {@link HierarchicalAttention.applyWithAttention} takes: the training flag; padding comes from the ids. */
const WITH_ATTENTION: AttentionCallRules = { spec: {}, mask: { refuse: " (padding is id 0 in the ids)" } };

/** Documents of ids `[B, S, W]` → class logits `[B, C]`; `applyWithAttention` also gives α and β. */
export class HierarchicalAttention extends CompositeLayer {
  static className = "HierarchicalAttention";
  readonly config: HierarchicalAttentionConfig;
  /** Word encoder: dense h = tanh(x W + b), or a GRU over the words, `[B·S, W, E]` → `[B·S, W, D]`. */
  readonly wordEncoder: tf.layers.Layer;
  /** α = softmax over each sentence's words of u_wᵀ tanh(h W + b), s = Σ α h (Yang et al. eqs. 5–7). */
  readonly wordAttention: AttentionPooling;
  /** A GRU over the sentence vectors `[B, S, D]` → `[B, S, D]` (`encoder: "gru"`); null for `"dense"`. */
  readonly sentenceEncoder: tf.layers.Layer | null;
  /** β = softmax over the document's sentences, d = Σ β s (Yang et al. eqs. 8–10). */
  readonly sentenceAttention: AttentionPooling;
  /** Logits d W_c + b_c, `[B, D]` → `[B, C]`. */
  readonly classifier: tf.layers.Layer;
  private table: tf.LayerVariable | null = null;

  constructor(args: HierarchicalAttentionArgs) {
    super(baseLayerArgs(checkLayerArgs("HierarchicalAttention", args, ARGS)));
    const dModel = args.dModel ?? 32;
    this.config = {
      vocabSize: args.vocabSize,
      classes: args.classes,
      dModel,
      embedSize: args.embedSize ?? dModel,
      attentionUnits: args.attentionUnits ?? dModel,
      encoder: args.encoder ?? "dense",
      seed: args.seed ?? 0,
    };
    const { attentionUnits: units, encoder, seed } = this.config;
    const gru = (part: string) =>
      tf.layers.gru({ ...recurrentArgs(dModel, childSeed(seed, part)), returnSequences: true });
    const glorot = (part: string) => tf.initializers.glorotUniform({ seed: childSeed(seed, part) });
    this.wordEncoder =
      encoder === "gru"
        ? gru("wordEncoder")
        : tf.layers.dense({ units: dModel, activation: "tanh", kernelInitializer: glorot("wordEncoder") });
    this.wordAttention = new AttentionPooling({ units, seed: childSeed(seed, "wordAttention") });
    this.sentenceEncoder = encoder === "gru" ? gru("sentenceEncoder") : null;
    this.sentenceAttention = new AttentionPooling({ units, seed: childSeed(seed, "sentenceAttention") });
    this.classifier = tf.layers.dense({
      units: this.config.classes,
      kernelInitializer: glorot("classifier"),
    });
  }

  protected sublayers(): tf.layers.Layer[] {
    const encoder = this.sentenceEncoder === null ? [] : [this.sentenceEncoder];
    return [this.wordEncoder, this.wordAttention, ...encoder, this.sentenceAttention, this.classifier];
  }

  /** The word vectors E `[V, E]` (built on first use). */
  get embedding(): tf.LayerVariable {
    if (this.table === null)
      throw new Error("HierarchicalAttention: not built yet; call ensureBuilt() or apply");
    return this.table;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    checkIdsShape(inputShape as (number | null)[]);
    const { vocabSize, embedSize: e, dModel: d, seed } = this.config;
    const init = tf.initializers.glorotUniform({ seed: childSeed(seed, "embedding") });
    this.table = this.addWeight("embedding", [vocabSize, e], "float32", init);
    this.buildSublayer(this.wordEncoder, [null, null, e]);
    this.buildSublayer(this.wordAttention, [null, null, d]);
    if (this.sentenceEncoder !== null) this.buildSublayer(this.sentenceEncoder, [null, null, d]);
    this.buildSublayer(this.sentenceAttention, [null, null, d]);
    this.buildSublayer(this.classifier, [null, d]);
    this.built = true;
  }

  /** Builds the weights now (the first `apply` would), so they can be trained, counted or compared. */
  ensureBuilt(): this {
    if (!this.built) tf.tidy(() => void this.apply(tf.zeros([1, 1, 1], "int32")));
    return this;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [(inputShape as tf.Shape)[0] ?? null, this.config.classes]; // [B, C]
  }

  /** Logits `[B, C]` for ids `[B, S, W]`; with `returnAttention`, `[logits, α [B, S, W], β [B, S]]`. */
  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: HierarchicalAttentionCallArgs = {},
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs("HierarchicalAttention", kwargs, { returnAttention: opt.boolean() }, WITH_ATTENTION.mask);
    return tf.tidy(() => {
      const ids = Array.isArray(inputs) ? inputs[0]! : inputs;
      checkIds(ids, this.config.vocabSize);
      const [b, s, w] = ids.shape as [number, number, number];
      const d = this.config.dModel;
      // 1) words: x = E[id], h = encoder(x); a word is real when its id is not 0
      const words = tf.reshape(ids, [b * s, w]); // [B·S, W]
      const wordMask = tf.cast(tf.notEqual(words, 0), "float32"); // [B·S, W]
      const h = this.wordEncoder.apply(tf.gather(this.embedding.read(), words)) as tf.Tensor; // [B·S, W, D]
      // 2) word attention inside each sentence: s_k = Σ_j α_kj h_kj
      const word = this.wordAttention.applyWithAttention([h, wordMask]); // [B·S, D], [B·S, W]
      const sentences = tf.reshape(word.output, [b, s, d]); // [B, S, D]
      // 3) a sentence is real when it has a real word; the sentence encoder (gru) reads the sentence vectors
      const sentenceMask = tf.cast(tf.greater(tf.sum(tf.reshape(wordMask, [b, s, w]), 2), 0), "float32"); // [B, S]
      const encoded =
        this.sentenceEncoder === null ? sentences : (this.sentenceEncoder.apply(sentences) as tf.Tensor);
      // 4) sentence attention over the document: d = Σ_k β_k s_k, then the classifier
      const doc = this.sentenceAttention.applyWithAttention([encoded, sentenceMask]); // [B, D], [B, S]
      const logits = this.classifier.apply(doc.output) as tf.Tensor; // [B, C]
      if (!kwargs.returnAttention) return logits;
      return [logits, tf.reshape(word.attention, [b, s, w]), doc.attention]; // [B, C], [B, S, W], [B, S]
    });
  }

  /**
   * `apply` that also returns both attention levels: logits `[B, C]`, and α `[B, S, W]` and β `[B, S]` (the
   * caller disposes all three). Builds the model on first use.
   * @example
   *   const han = new HierarchicalAttention({ vocabSize: 10, classes: 3, dModel: 4 });
   *   const { output, attention } = han.applyWithAttention(tf.tensor3d([[[1, 2, 0], [3, 0, 0]]], undefined, "int32"));
   *   [output.shape, attention.words.shape, attention.sentences.shape]; // [[1, 3], [1, 2, 3], [1, 2]]
   */
  applyWithAttention(
    ids: tf.Tensor,
    kwargs: Omit<HierarchicalAttentionCallArgs, "returnAttention"> = {},
  ): WithAttention<HierarchicalAttentionWeights, tf.Tensor2D> {
    const [output, words, sentences] = applyReturningAttention<[tf.Tensor, tf.Tensor]>(
      this,
      ids,
      kwargs,
      WITH_ATTENTION,
      2,
    );
    return {
      output: output as tf.Tensor2D,
      attention: { words: words as tf.Tensor3D, sentences: sentences as tf.Tensor2D },
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

tf.serialization.registerClass(HierarchicalAttention);

/** Refuses an input shape that is not ids `[B, S, W]`. */
function checkIdsShape(shape: readonly (number | null)[]): void {
  if (shape.length !== 3 || Array.isArray(shape[0])) {
    throw new RangeError(
      `HierarchicalAttention: expects one input, ids [B, S, W] (sentences × words), got shape [${shape.join(", ")}]`,
    );
  }
}

/** Refuses ids that are not int32 `[B, S, W]` in [0, vocabSize) (wasm's gather would read past the table). */
function checkIds(ids: tf.Tensor, vocabSize: number): void {
  checkIdsShape(ids.shape);
  if (ids.dtype !== "int32") {
    throw new TypeError(
      `HierarchicalAttention: ids must be int32, got ${ids.dtype} [${ids.shape.join(", ")}]`,
    );
  }
  const values = ids.dataSync();
  for (const id of values) {
    if (id < 0 || id >= vocabSize) {
      throw new RangeError(`HierarchicalAttention: ids must lie in [0, ${vocabSize}) (vocabSize), got ${id}`);
    }
  }
}
