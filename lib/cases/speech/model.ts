/**
 * The speech model, listen–attend–spell (Chan et al. 2016) made small: a pyramidal *listener* — two 1-D
 * convolutions over time, kernel 5, stride 2, ReLU, each halving the frame rate (20 ms → 80 ms per encoder
 * step, 4× fewer steps), then a GRU over the reduced sequence (padding masked) — and a *speller*, the kit's
 * {@link AttentionRnnDecoder} with Bahdanau additive attention over the encoder steps, starting from the GRU's
 * final state and reading the previous token's embedding. Chan et al. use pyramidal BLSTMs (time halved by
 * concatenating neighbours); the strided convolutions do the same reduction with fewer sequential steps.
 */
import * as tf from "@tensorflow/tfjs";
import { validLensMask } from "../../layers/attentionMask.js";
import { AttentionRnnDecoder, recurrentArgs } from "../../layers/attentionRnnDecoder.js";
import { CompositeLayer } from "../../layers/compositeLayer.js";
import type { WithAttention } from "../../layers/withAttention.js";
import { checkOptions, checkValue, describeValue, opt } from "../../check/options.js";
import { childSeed } from "../../random/childSeed.js";
import { SPEECH_MEL_BINS, SPEECH_VOCAB } from "./data.js";

/** The settings the model reads from a speech config. */
export interface SpeechModelConfig {
  seed: number;
  /** Channels of the two strided convolutions. */
  filters: number[];
  /** Width H of the GRU encoder and of the decoder. */
  hiddenSize: number;
  /** Width of the token embeddings the decoder reads. */
  embedSize: number;
}

/** The encoder's result: outputs `[B, S, H]`, final state `[B, H]`, valid steps `[B]` (S = ⌈F/4⌉). */
export interface SpeechEncoded {
  outputs: tf.Tensor3D;
  state: tf.Tensor2D;
  lens: tf.Tensor1D;
}

/** Valid encoder steps of `frames` valid frames: each stride-2 "same" convolution gives ⌈n/2⌉. */
export function speechEncoderLength(frames: number): number {
  return Math.ceil(Math.ceil(frames / 2) / 2);
}

/** Listen–attend–spell. Inputs `[x [B, F, 20], tgtIn [B, T] int32]` → logits `[B, T, 13]`. */
export class SpeechLas extends CompositeLayer {
  static className = "SpeechLas";
  readonly settings: SpeechModelConfig;
  readonly conv: [tf.layers.Layer, tf.layers.Layer];
  readonly encoder: tf.layers.Layer;
  readonly decoder: AttentionRnnDecoder;
  private embedding: tf.LayerVariable | null = null;

  constructor(config: SpeechModelConfig) {
    super({ name: "speechLas" });
    this.settings = config;
    const seed = config.seed;
    const conv = (i: number) =>
      tf.layers.conv1d({
        filters: config.filters[i]!,
        kernelSize: 5,
        strides: 2,
        padding: "same",
        activation: "relu",
        kernelInitializer: tf.initializers.heNormal({ seed: childSeed(seed, `conv${i}`) }),
      });
    this.conv = [conv(0), conv(1)];
    this.encoder = tf.layers.gru({
      ...recurrentArgs(config.hiddenSize, childSeed(seed, "encoder")),
      returnSequences: true,
      returnState: true,
    });
    this.decoder = new AttentionRnnDecoder({
      units: config.hiddenSize,
      vocabSize: SPEECH_VOCAB,
      attention: "additive",
      seed: childSeed(seed, "decoder"),
    });
  }

  protected sublayers(): tf.layers.Layer[] {
    return [...this.conv, this.encoder, this.decoder];
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    const { filters, hiddenSize: h, embedSize: e, seed } = this.settings;
    this.embedding = this.addWeight(
      "tgtEmbedding",
      [SPEECH_VOCAB, e],
      "float32",
      tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: childSeed(seed, "embedding") }),
    );
    this.buildSublayer(this.conv[0], [null, null, SPEECH_MEL_BINS]);
    this.buildSublayer(this.conv[1], [null, null, filters[0]!]);
    this.buildSublayer(this.encoder, [null, null, filters[1]!]);
    this.buildSublayer(this.decoder, [
      [null, null, e],
      [null, null, h],
      [null, h],
    ]);
    this.built = true;
  }

  /**
   * Builds the weights now (the constructor's seeds fix them), by one call on a tiny input, so `getWeights`
   * works before training and tfjs counts the layer as used (it refuses to dispose a layer never applied).
   */
  ensureBuilt(): this {
    if (!this.built)
      tf.tidy(() => {
        this.apply([tf.zeros([1, 4, SPEECH_MEL_BINS]), tf.tensor2d([[1]], [1, 1], "int32")]);
      });
    return this;
  }

  /** Listener: `x [B, F, 20]` → outputs `[B, ⌈F/4⌉, H]`, final state `[B, H]`, valid steps `[B]`. */
  encode(x: tf.Tensor, frameLens?: tf.Tensor | readonly number[]): SpeechEncoded {
    this.ensureBuilt();
    if (!(x instanceof tf.Tensor) || x.rank !== 3 || x.shape[2] !== SPEECH_MEL_BINS)
      throw new RangeError(`SpeechLas: x must be [B, F, ${SPEECH_MEL_BINS}], got ${describeValue(x)}`);
    const [b, f] = x.shape as [number, number, number];
    const frames = frameLens === undefined ? Array(b).fill(f) : Array.from(tensorOrList(frameLens));
    if (frames.length !== b || frames.some((n) => !Number.isInteger(n) || n < 1 || n > f))
      throw new RangeError(`SpeechLas: frameLens must be ${b} integers in 1..${f}, got [${frames}]`);
    return tf.tidy(() => {
      const h1 = this.conv[0].apply(x) as tf.Tensor; // [B, ⌈F/2⌉, C0]
      const h2 = this.conv[1].apply(h1) as tf.Tensor; // [B, ⌈F/4⌉, C1]
      const s = h2.shape[1]!;
      const lens = tf.tensor1d(frames.map(speechEncoderLength), "int32");
      const mask = validLensMask(lens, s, "SpeechLas");
      const [outputs, state] = this.encoder.apply(h2, { mask }) as tf.Tensor[];
      return { outputs: outputs as tf.Tensor3D, state: state as tf.Tensor2D, lens };
    });
  }

  /** Speller, teacher-forced over `tgtIn [B, T]`: logits `[B, T, 13]` and attention weights `[B, T, S]`. */
  decode(tgtIn: tf.Tensor, encoded: SpeechEncoded): { logits: tf.Tensor3D; weights: tf.Tensor3D } {
    this.ensureBuilt();
    if (!(tgtIn instanceof tf.Tensor) || tgtIn.rank !== 2)
      throw new RangeError(`SpeechLas: tgtIn must be [B, T] int32, got ${describeValue(tgtIn)}`);
    return tf.tidy(() => {
      const [b, t] = tgtIn.shape as [number, number];
      const embedded = tf
        .gather(this.embedding!.read(), tgtIn.reshape([-1]).toInt())
        .reshape([b, t, this.settings.embedSize]);
      const run = this.decoder.run(embedded, encoded.outputs, [encoded.state], { validLens: encoded.lens });
      tf.dispose(run.queries);
      tf.dispose(run.state);
      return { logits: run.logits as tf.Tensor3D, weights: run.weights as tf.Tensor3D };
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { frameLens?: tf.Tensor } = {}): tf.Tensor {
    const { output, attention } = this.applyWithAttention(inputs as [tf.Tensor, tf.Tensor], kwargs);
    tf.dispose(attention.decoderCross);
    return output;
  }

  /**
   * Logits `[B, T, 13]` for `[x, tgtIn]` (teacher-forced) and the speller's attention over the encoder steps,
   * `{ decoderCross: [weights [B, T, S]] }`. The caller disposes both.
   */
  applyWithAttention(
    inputs: [tf.Tensor, tf.Tensor],
    kwargs: { frameLens?: tf.Tensor | readonly number[]; training?: boolean } = {},
  ): WithAttention<{ decoderCross: tf.Tensor[] }> {
    checkOptions("SpeechLas", kwargs, { frameLens: opt.any(), training: opt.boolean() });
    if (!Array.isArray(inputs) || inputs.length !== 2)
      throw new RangeError(`SpeechLas: inputs must be [x, tgtIn], got ${describeValue(inputs)}`);
    const [x, tgtIn] = inputs;
    const encoded = this.encode(x, kwargs.frameLens);
    try {
      const { logits, weights } = this.decode(tgtIn, encoded);
      return { output: logits, attention: { decoderCross: [weights] } };
    } finally {
      tf.dispose([encoded.outputs, encoded.state, encoded.lens]);
    }
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shapes = inputShape as tf.Shape[];
    return [shapes[1]?.[0] ?? null, shapes[1]?.[1] ?? null, SPEECH_VOCAB];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.settings };
  }
}

function tensorOrList(lens: tf.Tensor | readonly number[]): ArrayLike<number> {
  return lens instanceof tf.Tensor ? (lens.dataSync() as ArrayLike<number>) : lens;
}

/** The case's model, built, seeded by `childSeed(config.seed, "model")`. */
export function speechModel(config: SpeechModelConfig): SpeechLas {
  if (config === null || typeof config !== "object")
    throw new TypeError(`speechModel: config must be an object, got ${describeValue(config)}`);
  checkValue("speechModel", "hiddenSize", config.hiddenSize, opt.integer({ min: 1, required: true }));
  checkValue("speechModel", "embedSize", config.embedSize, opt.integer({ min: 1, required: true }));
  const f = config.filters;
  if (!Array.isArray(f) || f.length !== 2 || f.some((c) => !Number.isInteger(c) || c < 1))
    throw new RangeError(`speechModel: filters must be 2 positive integers, got ${describeValue(f)}`);
  return new SpeechLas({
    seed: childSeed(config.seed, "model"),
    filters: [...f],
    hiddenSize: config.hiddenSize,
    embedSize: config.embedSize,
  }).ensureBuilt();
}

/**
 * Greedy spelling of a batch: from the start token, each step's most likely token is fed back, for
 * `maxSteps` steps (the whole prefix re-run each step: at most 6 steps). Returns the token ids `[B][maxSteps]`
 * and the attention rows of the greedy run `[B][maxSteps][S]`.
 */
export function speechGreedy(
  model: SpeechLas,
  x: tf.Tensor,
  frameLens: tf.Tensor | readonly number[],
  maxSteps: number,
): { ids: number[][]; weights: number[][][] } {
  const encoded = model.encode(x, frameLens);
  try {
    const b = x.shape[0]!;
    const ids: number[][] = Array.from({ length: b }, () => []);
    let weights: number[][][] = [];
    for (let t = 0; t < maxSteps; t++) {
      const prefix = ids.map((row) => [1, ...row]);
      const { next, w } = tf.tidy(() => {
        const tgtIn = tf.tensor2d(prefix, [b, t + 1], "int32");
        const { logits, weights: wt } = model.decode(tgtIn, encoded);
        const last = logits.slice([0, t, 0], [b, 1, SPEECH_VOCAB]).reshape([b, SPEECH_VOCAB]);
        return { next: last.argMax(1).arraySync() as number[], w: wt.arraySync() as number[][][] };
      });
      next.forEach((id, i) => ids[i]!.push(id));
      weights = w;
    }
    return { ids, weights };
  } finally {
    tf.dispose([encoded.outputs, encoded.state, encoded.lens]);
  }
}

tf.serialization.registerClass(SpeechLas);
