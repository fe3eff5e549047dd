/**
 * The qa model: an end-to-end memory network (Sukhbaatar et al. 2015, "End-To-End Memory Networks", §2 and
 * §4.1) with layer-wise tied weights (the same A, C in every hop) and the hop update u ← u + o, as one tfjs
 * layer. Memory i (fact x_i, words x_ij) is m_i = Σ_j l_j ⊙ A[x_ij] + T_A[age_i] and its output vector
 * c_i = Σ_j l_j ⊙ C[x_ij] + T_C[age_i]; the question is u¹ = Σ_j l_j ⊙ B[q_j]. l_j is the paper's fixed position
 * encoding (§4.1) with J = 5 words, age_i the number of facts after fact i (temporal encoding, §4.1: 0 = the last
 * fact). Each hop k attends with dot-product scores p^k = softmax_i(u^k · m_i) over the real facts (the kit's
 * `maskedSoftmax`), reads o^k = Σ_i p^k_i c_i and updates u^{k+1} = u^k + o^k; the answer logits over the six
 * places are u^{K+1} W + b (the kit's `linear`). Padding words (id 0) are zeroed before the sums.
 *
 * Weight layout (`getWeights()` order), V = 20 words, d = `embedSize`, M = 6 memories, P = 6 places: `A [V, d]`,
 * `B [V, d]`, `C [V, d]`, then with `temporal` `TA [M, d]`, `TC [M, d]`, then `W [d, P]`, `b [P]`.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { maskedSoftmax, validLensMask } from "../../layers/attentionMask.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  SEED,
  SIZE,
} from "../../layers/layerOptions.js";
import { linear } from "../../layers/linear.js";
import {
  type AttentionCallRules,
  applyReturningAttention,
  type WithAttention,
} from "../../layers/withAttention.js";
import { childSeed } from "../../random/childSeed.js";
import { tfSeed } from "../../tfjs/seed.js";
import { QA_MAX_FACTS, QA_PLACES, QA_SENTENCE_LENGTH, QA_VOCAB } from "./data.js";

/** Arguments of {@link QaMemoryNetwork}. */
export interface QaMemoryNetworkArgs extends BaseLayerArgs {
  /** Width d of the word embeddings A, B, C (and of u, m_i, c_i). Default 20. */
  embedSize?: number;
  /** Hops K (1 to 3). Default 1. */
  hops?: number;
  /** Add the temporal encodings T_A, T_C (by age of the fact). Default true. */
  temporal?: boolean;
  /** Seed of the initial weights; each table draws from `childSeed(seed, "<name>")`. Default 0. */
  seed?: number;
}

/** Every setting of a {@link QaMemoryNetwork}, defaults filled in. */
export type QaMemoryNetworkConfig = Required<Omit<QaMemoryNetworkArgs, keyof BaseLayerArgs>>;

const ARGS = {
  embedSize: SIZE({ max: 100_000 }),
  hops: opt.integer({ min: 1, max: 3 }),
  temporal: opt.boolean(),
  seed: SEED,
};

/** Standard deviation of the initial tables (the paper's N(0, 0.1²)). */
const INIT_STDDEV = 0.1;

/** Call options: `training` (no effect: no dropout) and, for `call`, `returnAttention`. */
export interface QaCallArgs {
  training?: boolean;
  /** `call` returns `[logits, p [B, K, M]]` instead of `logits`. Default false. */
  returnAttention?: boolean;
}

const WITH_ATTENTION: AttentionCallRules = {
  spec: {},
  mask: { refuse: " (the story lengths are the third input)" },
};

/**
 * The paper's position encoding l_kj = (1 − j/J) − (k/d)(1 − 2j/J) (j = 1…J words, k = 1…d dimensions), as
 * `[J, d]`: row j weights word j of a sentence.
 * @example qaPositionEncoding(5, 2)[0]; // [0.5, 0.2]
 */
export function qaPositionEncoding(words: number, width: number): number[][] {
  return Array.from({ length: words }, (_, j0) =>
    Array.from({ length: width }, (_, k0) => {
      const [j, k] = [j0 + 1, k0 + 1];
      return 1 - j / words - (k / width) * (1 - (2 * j) / words);
    }),
  );
}

type Tables = {
  A: tf.LayerVariable;
  B: tf.LayerVariable;
  C: tf.LayerVariable;
  TA?: tf.LayerVariable;
  TC?: tf.LayerVariable;
  W: tf.LayerVariable;
  b: tf.LayerVariable;
};

/** `[story [B, M, J], question [B, J], storyLens [B]]` → answer logits `[B, P]`; attention p `[B, K, M]`. */
export class QaMemoryNetwork extends tf.layers.Layer {
  static className = "QaMemoryNetwork";
  readonly config: QaMemoryNetworkConfig;
  private tables: Tables | null = null;

  constructor(args: QaMemoryNetworkArgs = {}) {
    super(baseLayerArgs(checkLayerArgs("QaMemoryNetwork", args, ARGS)));
    this.config = {
      embedSize: args.embedSize ?? 20,
      hops: args.hops ?? 1,
      temporal: args.temporal ?? true,
      seed: args.seed ?? 0,
    };
  }

  /** The weights by name (built on first use). */
  get weightsByName(): Tables {
    if (this.tables === null) throw new Error("QaMemoryNetwork: not built yet; call ensureBuilt() or apply");
    return this.tables;
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    const { embedSize: d, temporal, seed } = this.config;
    const normal = (name: string) =>
      tf.initializers.randomNormal({ stddev: INIT_STDDEV, seed: tfSeed(childSeed(seed, name)) });
    const table = (name: string, rows: number, cols = d) =>
      this.addWeight(name, [rows, cols], "float32", normal(name));
    const [A, B, C] = ["A", "B", "C"].map((name) => table(name, QA_VOCAB.length)) as [
      tf.LayerVariable,
      tf.LayerVariable,
      tf.LayerVariable,
    ];
    const time = temporal ? { TA: table("TA", QA_MAX_FACTS), TC: table("TC", QA_MAX_FACTS) } : {};
    const W = table("W", d, QA_PLACES.length);
    const b = this.addWeight("b", [QA_PLACES.length], "float32", tf.initializers.zeros());
    this.tables = { A, B, C, ...time, W, b };
    this.built = true;
  }

  /** Builds the weights now (the first `apply` would), so they can be trained, counted or compared. */
  ensureBuilt(): this {
    if (!this.built) {
      tf.tidy(() => {
        this.apply([
          tf.zeros([1, QA_MAX_FACTS, QA_SENTENCE_LENGTH], "int32"),
          tf.zeros([1, QA_SENTENCE_LENGTH], "int32"),
          tf.ones([1], "int32"),
        ]);
      });
    }
    return this;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [((inputShape as tf.Shape[])[0] ?? [])[0] ?? null, QA_PLACES.length]; // [B, P]
  }

  /**
   * Sentence vectors `[..., d]` of word ids `[..., J]`: Σ_j l_j ⊙ E[x_j], padding words (id 0) left out.
   * @example model.embedSentences(tf.tensor2d([qaIds(["where", "is", "mary", "?"])], undefined, "int32"), model.weightsByName.B.read()).shape; // [1, d]
   */
  embedSentences(ids: tf.Tensor, table: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const d = this.config.embedSize;
      const l = tf.tensor2d(qaPositionEncoding(QA_SENTENCE_LENGTH, d)); // [J, d]
      const words = tf.mul(tf.gather(table, ids), tf.expandDims(tf.notEqual(ids, 0).toFloat(), -1)); // [..., J, d]
      return tf.sum(tf.mul(words, l), -2); // [..., d]
    });
  }

  /** Rows of a temporal table for the facts of each story, by age: `[B, M, d]` (age = len − 1 − i, 0 past the end). */
  timeRows(table: tf.Tensor, storyLens: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const m = QA_MAX_FACTS;
      const ages = tf.relu(
        tf.sub(tf.sub(tf.expandDims(storyLens, 1), 1), tf.range(0, m, 1, "int32").expandDims(0)),
      ); // [B, M]
      return tf.gather(table, ages.toInt()); // [B, M, d]
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: QaCallArgs = {}): tf.Tensor | tf.Tensor[] {
    checkCallArgs("QaMemoryNetwork", kwargs, { returnAttention: opt.boolean() }, WITH_ATTENTION.mask);
    return tf.tidy(() => {
      const [story, question, storyLens] = this.checkInputs(inputs);
      const w = this.weightsByName;
      // 1) memories m_i, outputs c_i [B, M, d] and the query u [B, d]
      let m = this.embedSentences(story, w.A.read());
      let c = this.embedSentences(story, w.C.read());
      if (w.TA && w.TC) {
        m = tf.add(m, this.timeRows(w.TA.read(), storyLens));
        c = tf.add(c, this.timeRows(w.TC.read(), storyLens));
      }
      let u = this.embedSentences(question, w.B.read());
      const mask = validLensMask(storyLens, QA_MAX_FACTS, "QaMemoryNetwork"); // [B, M]
      // 2) hops: p = softmax_i(u · m_i) over the real facts, o = Σ_i p_i c_i, u ← u + o
      const hops: tf.Tensor[] = [];
      for (let k = 0; k < this.config.hops; k++) {
        const scores = tf.squeeze(tf.matMul(m, tf.expandDims(u, 2)), [2]); // [B, M]
        const p = maskedSoftmax(scores, mask); // [B, M]
        const o = tf.squeeze(tf.matMul(tf.expandDims(p, 1), c), [1]); // [B, d]
        u = tf.add(u, o);
        hops.push(p);
      }
      // 3) answer logits over the places
      const logits = linear(u, w.W.read(), w.b.read()); // [B, P]
      return kwargs.returnAttention ? [logits, tf.stack(hops, 1)] : logits;
    });
  }

  /**
   * `apply` that also returns the attention of every hop: logits `[B, P]` and p `[B, K, M]` (each row over a
   * story's facts sums to 1, 0 past its end); the caller disposes both. Builds the model on first use.
   */
  applyWithAttention(
    inputs: tf.Tensor[],
    kwargs: Omit<QaCallArgs, "returnAttention"> = {},
  ): WithAttention<tf.Tensor3D, tf.Tensor2D> {
    const [output, attention] = applyReturningAttention<[tf.Tensor]>(this, inputs, kwargs, WITH_ATTENTION, 1);
    return { output: output as tf.Tensor2D, attention: attention as tf.Tensor3D };
  }

  /** The three inputs, checked: int32 `[B, M, J]`, `[B, J]`, `[B]`, ids in the vocabulary, lengths 1…M. */
  private checkInputs(inputs: tf.Tensor | tf.Tensor[]): [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D] {
    const where = "QaMemoryNetwork";
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== 3) {
      throw new RangeError(`${where}: expects 3 inputs [story, question, storyLens], got ${list.length}`);
    }
    const b = list[0]!.shape[0];
    const shapes = [[b, QA_MAX_FACTS, QA_SENTENCE_LENGTH], [b, QA_SENTENCE_LENGTH], [b]];
    const names = ["story", "question", "storyLens"];
    list.forEach((x, k) => {
      if (x.dtype !== "int32" || x.shape.join() !== shapes[k]!.join()) {
        throw new TypeError(
          `${where}: ${names[k]} must be int32 [${shapes[k]!.join(", ")}], got ${x.dtype} [${x.shape.join(", ")}]`,
        );
      }
    });
    const bad = [...list[0]!.dataSync(), ...list[1]!.dataSync()].find(
      (id) => id < 0 || id >= QA_VOCAB.length,
    );
    if (bad !== undefined)
      throw new RangeError(`${where}: word ids must lie in [0, ${QA_VOCAB.length}), got ${bad}`);
    const len = list[2]!.dataSync().find((n) => n < 1 || n > QA_MAX_FACTS);
    if (len !== undefined)
      throw new RangeError(`${where}: storyLens must lie in 1…${QA_MAX_FACTS}, got ${len}`);
    return list as [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

tf.serialization.registerClass(QaMemoryNetwork);

/** The settings the model reads from a qa config. */
export interface QaModelConfig {
  seed: number;
  embedSize: number;
  hops: number;
  temporal: boolean;
}

/** The memory network of a qa config, built, seeded by `childSeed(seed, part)` (`"model"` for the case's model). */
export function qaModel(config: QaModelConfig, part = "model"): QaMemoryNetwork {
  return new QaMemoryNetwork({
    embedSize: config.embedSize,
    hops: config.hops,
    temporal: config.temporal,
    seed: childSeed(config.seed, part),
  }).ensureBuilt();
}
