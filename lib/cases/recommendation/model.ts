/**
 * The recommendation model: DIN-style target attention over a click history (Zhou et al. 2018, "Deep Interest
 * Network", §4.3) and its mean-pooling ablation, as one tfjs layer. Click j is e_j = E_item[i_j] + E_cat[c_j] + p_j
 * (a learned position p_j), the candidate q = E_item[i] + E_cat[c]. Target attention scores every click against
 * the candidate with a small MLP, s_j = w₂ᵀ relu(W₁ [e_j; q; e_j ⊙ q] + b₁) + b₂, normalises α = softmax_j(s_j)
 * (DIN itself leaves the weights unnormalised; the softmax keeps them comparable across users) and pools
 * u = Σ_j α_j e_j. The ablation pools u = mean_j e_j (α = 1/T). Both score the pair with the same head,
 * logit = w₄ᵀ relu(W₃ [u; q; u ⊙ q] + b₃) + b₄. Every product is a dense layer's plain 2-D matMul.
 *
 * Weight layout (`getWeights()` order), d = `dModel`, h = `hiddenSize`, T = `historyLength`: `items [I, d]`,
 * `categories [K, d]`; positions `embeddings [T, d]`; with attention the scorer `kernel [3d, h]`, `bias [h]`,
 * `kernel [h, 1]`, `bias [1]`; the head `kernel [3d, h]`, `bias [h]`, `kernel [h, 1]`, `bias [1]`.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { CompositeLayer } from "../../layers/compositeLayer.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  MAX_LENGTH,
  SEED,
  SIZE,
} from "../../layers/layerOptions.js";
import { LearnedPositionalEncoding } from "../../layers/positionalEncoding.js";
import {
  type AttentionCallRules,
  applyReturningAttention,
  type WithAttention,
} from "../../layers/withAttention.js";
import { childSeed } from "../../random/childSeed.js";
import { tfSeed } from "../../tfjs/seed.js";
import { CLICKS_DEFAULTS, type RecommendationInputs } from "./data.js";

/** Arguments of {@link TargetAttentionRecommender}. */
export interface RecommenderArgs extends BaseLayerArgs {
  /** Items I in the catalogue (rows of the item table). Required. */
  items: number;
  /** Categories K (rows of the category table). Required. */
  categories: number;
  /** Clicks T per history (rows of the position table); a history may not be longer. Required. */
  historyLength: number;
  /** Width d of the item, category and position embeddings. Default 8. */
  dModel?: number;
  /** Hidden width h of the attention scorer and of the head. Default 16. */
  hiddenSize?: number;
  /** How the history is pooled: target attention (default) or the mean (the ablation). */
  pooling?: "attention" | "mean";
  /**
   * Seed of the initial weights; the parts draw from `childSeed(seed, "items" | "categories" | "positions" |
   * "scorer/hidden" | "scorer/output" | "head/hidden" | "head/output")`. Default 0.
   */
  seed?: number;
}

/** Every setting of a {@link TargetAttentionRecommender}, defaults filled in. */
export type RecommenderConfig = Required<Omit<RecommenderArgs, keyof BaseLayerArgs>>;

const ARGS = {
  items: SIZE({ required: true, max: 10_000_000 }),
  categories: SIZE({ required: true, max: 10_000_000 }),
  historyLength: MAX_LENGTH({ required: true }),
  dModel: SIZE({ max: 1_000_000 }),
  hiddenSize: SIZE({ max: 1_000_000 }),
  pooling: opt.oneOf(["attention", "mean"]),
  seed: SEED,
};

/** Standard deviation of the initial embedding and position tables. */
const EMBEDDING_STDDEV = 0.1;

/** Call options: `training` (no effect: the model has no dropout) and, for `call`, `returnAttention`. */
export interface RecommenderCallArgs {
  training?: boolean;
  /** `call` returns `[logits, α [B, T]]` instead of `logits`. Default false. */
  returnAttention?: boolean;
}

/** What {@link TargetAttentionRecommender.applyWithAttention} takes: the training flag, and no masks. */
const WITH_ATTENTION: AttentionCallRules = {
  spec: {},
  mask: { refuse: " (every click of a history counts)" },
};

/** `[history, historyCategory, candidate, candidateCategory]` → click logits `[B]`; attention α `[B, T]`. */
export class TargetAttentionRecommender extends CompositeLayer {
  static className = "TargetAttentionRecommender";
  readonly config: RecommenderConfig;
  /** Adds p_j, row j of a learned `[T, d]` table. */
  readonly positions: LearnedPositionalEncoding;
  /** The scorer s_j = w₂ᵀ relu(W₁ [e_j; q; e_j ⊙ q] + b₁) + b₂ (`hidden`: W₁, b₁; `output`: w₂, b₂); null for "mean". */
  readonly scorer: RecommenderMlp | null;
  /** The head logit = w₄ᵀ relu(W₃ [u; q; u ⊙ q] + b₃) + b₄ (`hidden`: W₃, b₃; `output`: w₄, b₄). */
  readonly head: RecommenderMlp;
  private tables: { items: tf.LayerVariable; categories: tf.LayerVariable } | null = null;

  constructor(args: RecommenderArgs) {
    super(baseLayerArgs(checkLayerArgs("TargetAttentionRecommender", args, ARGS)));
    this.config = {
      items: args.items,
      categories: args.categories,
      historyLength: args.historyLength,
      dModel: args.dModel ?? 8,
      hiddenSize: args.hiddenSize ?? 16,
      pooling: args.pooling ?? "attention",
      seed: args.seed ?? 0,
    };
    const { historyLength, hiddenSize, pooling, seed } = this.config;
    const mlp = (part: string): RecommenderMlp => ({
      hidden: tf.layers.dense({
        units: hiddenSize,
        activation: "relu",
        kernelInitializer: glorot(seed, `${part}/hidden`),
      }),
      output: tf.layers.dense({ units: 1, kernelInitializer: glorot(seed, `${part}/output`) }),
    });
    this.positions = new LearnedPositionalEncoding({
      maxLength: historyLength,
      stddev: EMBEDDING_STDDEV,
      seed: childSeed(seed, "positions"),
    });
    this.scorer = pooling === "attention" ? mlp("scorer") : null;
    this.head = mlp("head");
  }

  protected sublayers(): tf.layers.Layer[] {
    const scorer = this.scorer === null ? [] : [this.scorer.hidden, this.scorer.output];
    return [this.positions, ...scorer, this.head.hidden, this.head.output];
  }

  /** The item table E_item `[I, d]` and the category table E_cat `[K, d]` (built on first use). */
  get embeddings(): { items: tf.LayerVariable; categories: tf.LayerVariable } {
    if (this.tables === null) {
      throw new Error("TargetAttentionRecommender: not built yet; call ensureBuilt() or apply");
    }
    return this.tables;
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    const { items, categories, historyLength: t, dModel: d, hiddenSize: h, seed } = this.config;
    const normal = (part: string) =>
      tf.initializers.randomNormal({ stddev: EMBEDDING_STDDEV, seed: tfSeed(childSeed(seed, part)) });
    this.tables = {
      items: this.addWeight("items", [items, d], "float32", normal("items")),
      categories: this.addWeight("categories", [categories, d], "float32", normal("categories")),
    };
    this.buildSublayer(this.positions, [null, t, d]);
    for (const mlp of this.scorer === null ? [this.head] : [this.scorer, this.head]) {
      this.buildSublayer(mlp.hidden, [null, 3 * d]);
      this.buildSublayer(mlp.output, [null, h]);
    }
    this.built = true;
  }

  /** Builds the weights now (the first `apply` would), so they can be trained, counted or compared. */
  ensureBuilt(): this {
    if (!this.built) {
      tf.tidy(() => {
        const t = this.config.historyLength;
        this.apply([
          tf.zeros([1, t], "int32"),
          tf.zeros([1, t], "int32"),
          tf.zeros([1], "int32"),
          tf.zeros([1], "int32"),
        ]);
      });
    }
    return this;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [((inputShape as tf.Shape[])[0] ?? [])[0] ?? null]; // [B]
  }

  /** Logits `[B]` for the four id tensors; with `returnAttention`, `[logits, α [B, T]]` (1/T each for "mean"). */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: RecommenderCallArgs = {}): tf.Tensor | tf.Tensor[] {
    checkCallArgs(
      "TargetAttentionRecommender",
      kwargs,
      { returnAttention: opt.boolean() },
      WITH_ATTENTION.mask,
    );
    return tf.tidy(() => {
      const [history, historyCategory, candidate, candidateCategory] = this.checkInputs(inputs);
      const [b, t] = history.shape;
      const { items, categories } = this.embeddings;
      // 1) embed: e_j = E_item[i_j] + E_cat[c_j] + p_j, q = E_item[i] + E_cat[c]
      const clicks = tf.add(tf.gather(items.read(), history), tf.gather(categories.read(), historyCategory));
      const e = this.positions.apply(clicks) as tf.Tensor; // [B, T, d]
      const q = tf.add(tf.gather(items.read(), candidate), tf.gather(categories.read(), candidateCategory)); // [B, d]
      // 2) weights: α = softmax_j(s_j) with s_j from the MLP on [e_j; q; e_j ⊙ q], or 1/T for the mean
      let alpha: tf.Tensor;
      if (this.scorer !== null) {
        const d = this.config.dModel;
        const qs = tf.broadcastTo(tf.expandDims(q, 1), [b, t, d]); // [B, T, d]
        const pairs = tf.reshape(tf.concat([e, qs, tf.mul(e, qs)], 2), [b * t, 3 * d]); // [B·T, 3d]
        alpha = tf.softmax(tf.reshape(runMlp(this.scorer, pairs), [b, t])); // [B, T]
      } else {
        alpha = tf.fill([b, t], 1 / t); // [B, T]
      }
      // 3) pool: u = Σ_j α_j e_j, and score the pair with the head
      const u = tf.sum(tf.mul(tf.expandDims(alpha, 2), e), 1); // [B, d]
      const logits = tf.reshape(runMlp(this.head, tf.concat([u, q, tf.mul(u, q)], 1)), [b]); // [B]
      return kwargs.returnAttention ? [logits, alpha] : logits;
    });
  }

  /**
   * `apply` that also returns the attention over the history: logits `[B]` and α `[B, T]` (each row sums to 1;
   * 1/T everywhere for "mean"); the caller disposes both. Builds the model on first use.
   * @example
   *   const model = new TargetAttentionRecommender({ items: 8, categories: 2, historyLength: 3 });
   *   const ids = (rows: number[][]) => tf.tensor2d(rows, undefined, "int32");
   *   const x = [ids([[0, 4, 5]]), ids([[0, 1, 1]]), tf.tensor1d([4], "int32"), tf.tensor1d([1], "int32")];
   *   const { output, attention } = model.applyWithAttention(x);
   *   [output.shape, attention.shape]; // [[1], [1, 3]]
   */
  applyWithAttention(
    inputs: RecommendationInputs | tf.Tensor[],
    kwargs: Omit<RecommenderCallArgs, "returnAttention"> = {},
  ): WithAttention<tf.Tensor2D, tf.Tensor1D> {
    const [output, attention] = applyReturningAttention<[tf.Tensor]>(this, inputs, kwargs, WITH_ATTENTION, 1);
    return { output: output as tf.Tensor1D, attention: attention as tf.Tensor2D };
  }

  /** The four inputs, checked: int32 `[B, T]`, `[B, T]`, `[B]`, `[B]` with T ≤ historyLength and ids in range. */
  private checkInputs(inputs: tf.Tensor | tf.Tensor[]): RecommendationInputs {
    const where = "TargetAttentionRecommender";
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const names = ["history", "historyCategory", "candidate", "candidateCategory"];
    if (list.length !== 4) {
      throw new RangeError(`${where}: expects 4 inputs [${names.join(", ")}], got ${list.length}`);
    }
    const [b, t] = [list[0]!.shape[0], list[0]!.shape[1]];
    const limits = [this.config.items, this.config.categories, this.config.items, this.config.categories];
    list.forEach((x, k) => {
      const shape = k < 2 ? [b, t] : [b];
      if (x.dtype !== "int32" || x.shape.join() !== shape.join()) {
        throw new TypeError(
          `${where}: ${names[k]} must be int32 [${shape.join(", ")}], got ${x.dtype} [${x.shape.join(", ")}]`,
        );
      }
      const bad = x.dataSync().find((id) => id < 0 || id >= limits[k]!);
      if (bad !== undefined)
        throw new RangeError(`${where}: ${names[k]} ids must lie in [0, ${limits[k]}), got ${bad}`);
    });
    if (t === undefined || t < 1 || t > this.config.historyLength) {
      throw new RangeError(
        `${where}: a history has 1…${this.config.historyLength} clicks (historyLength), got ${t}`,
      );
    }
    return list as RecommendationInputs;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

tf.serialization.registerClass(TargetAttentionRecommender);

/** A two-layer MLP: a relu dense layer of `hiddenSize` units, then a dense layer of one unit. */
export interface RecommenderMlp {
  hidden: tf.layers.Layer;
  output: tf.layers.Layer;
}

/** `x [N, 3d]` through `mlp`: `[N, 1]`. */
function runMlp(mlp: RecommenderMlp, x: tf.Tensor): tf.Tensor {
  return mlp.output.apply(mlp.hidden.apply(x)) as tf.Tensor;
}

function glorot(seed: number, part: string) {
  return tf.initializers.glorotUniform({ seed: childSeed(seed, part) });
}

/** The settings the model reads from a recommendation config. */
export interface RecommendationModelConfig {
  seed: number;
  /** Width of the item, category and position embeddings. */
  dModel: number;
  /** Hidden width of the attention scorer and of the head. */
  hiddenSize: number;
}

/**
 * The recommender for the generator's catalogue (24 categories × 4 items, histories of 20), built: target
 * attention seeded by `childSeed(seed, "model")`, or the mean-pooling ablation by `childSeed(seed, "mean/model")`.
 */
export function recommendationModel(
  config: RecommendationModelConfig,
  pooling: "attention" | "mean" = "attention",
): TargetAttentionRecommender {
  return new TargetAttentionRecommender({
    items: CLICKS_DEFAULTS.categories * CLICKS_DEFAULTS.itemsPerCategory,
    categories: CLICKS_DEFAULTS.categories,
    historyLength: CLICKS_DEFAULTS.historyLength,
    dModel: config.dModel,
    hiddenSize: config.hiddenSize,
    pooling,
    seed: childSeed(config.seed, pooling === "attention" ? "model" : "mean/model"),
  }).ensureBuilt();
}
