/**
 * Temporal attention for forecasting: each step (r_i, s_i) is embedded, h_i = tanh(x_i W + p_i) with a learned
 * position embedding p_i, then additive attention pooling α = softmax_i(vᵀ tanh(h_i U + b)) gives the context
 * c = Σ α_i h_i, and ŷ = c·w + b₀. The weights α say which past steps the forecast reads.
 */
import * as tf from "@tensorflow/tfjs";
import { AttentionPooling } from "../../layers/pooling/attentionPooling.js";

/** The forecaster's parts and a forward pass that also returns α. */
export class TemporalAttentionForecaster {
  readonly embed: tf.layers.Layer;
  readonly positions: tf.Variable;
  readonly pool: AttentionPooling;
  readonly head: tf.layers.Layer;

  constructor(opts: { window: number; features: number; units: number; seed: number }) {
    const init = (k: number) => tf.initializers.glorotUniform({ seed: opts.seed + k });
    this.embed = tf.layers.dense({
      units: opts.units,
      kernelInitializer: init(1),
      inputShape: [opts.features],
    });
    this.positions = tf.tidy(() =>
      tf.variable(tf.randomNormal([opts.window, opts.units], 0, 0.1, "float32", opts.seed + 2)),
    );
    this.pool = new AttentionPooling({ score: "mlp", units: opts.units, seed: opts.seed + 3 });
    this.head = tf.layers.dense({ units: 1, kernelInitializer: init(4) });
  }

  /** Predictions `[B]` and attention weights `[B, window]` for windows `[B, window, features]`. */
  forward(x: tf.Tensor3D): { prediction: tf.Tensor1D; weights: tf.Tensor2D } {
    return tf.tidy(() => {
      const h = tf.tanh(tf.add(this.embed.apply(x) as tf.Tensor3D, this.positions)) as tf.Tensor3D;
      const { output, weights } = this.pool.callAndReturnAttention(h);
      const prediction = tf.reshape(this.head.apply(output) as tf.Tensor, [-1]) as tf.Tensor1D;
      return { prediction, weights };
    });
  }

  /** Every trained variable. */
  variables(): tf.Variable[] {
    return [
      ...[this.embed, this.pool, this.head].flatMap((l) =>
        l.trainableWeights.map((w) => w.read() as tf.Variable),
      ),
      this.positions,
    ];
  }

  dispose(): void {
    // The pooling layer is called through callAndReturnAttention, not apply, so tfjs-layers' dispose() (which
    // counts apply() calls) refuses it: its weights are disposed directly.
    for (const l of [this.embed, this.head]) l.dispose();
    for (const w of this.pool.weights) w.dispose();
    this.positions.dispose();
  }
}
