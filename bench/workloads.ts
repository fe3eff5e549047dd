/**
 * The standard bench workloads on one tfjs backend: matmul 512², scaled dot-product attention forward
 * (B8 × N4 × T128 × H32), and a small Transformer encoder's inference and forward+backward+Adam step
 * (batch 32, seq 32, d 64, 4 heads, ffn 128, 2 layers, vocab 32, token cross-entropy).
 */
import * as tf from "@tensorflow/tfjs";
import { TransformerEncoderLayer } from "../lib/layers/index.js";
import { mulberry32 } from "../lib/random/prng.js";
import { applyOptimizerStep } from "../lib/train/adamStep.js";

/** One workload: `setup` returns the function to time (it must finish its work: see {@link settle}). */
export interface Workload {
  name: string;
  /** Floating-point operations per run, when meaningful (for GFLOP/s). */
  flops?: number;
  setup: () => { run: () => Promise<void>; dispose: () => void };
}

export const ENCODER = { batch: 32, seq: 32, dModel: 64, numHeads: 4, dFF: 128, layers: 2, vocab: 32 };

const uniform = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, "float32", seed);

/**
 * Waits until `t` is computed by reading one of its elements, on any backend (webgl computes asynchronously).
 * Not `t.data()`: on wasm that copies the whole tensor into a new JavaScript buffer (1 MB for the 512² product,
 * with garbage-collection pauses of up to 4 ms measured here), work the PyTorch side does not do.
 */
async function settle(t: tf.Tensor): Promise<void> {
  const first = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), 0, 1));
  await first.data();
  first.dispose();
}

function matmul(): Workload {
  const n = 512;
  return {
    name: "matmul 512×512",
    flops: 2 * n ** 3,
    setup: () => {
      const [a, b] = [uniform([n, n], 1), uniform([n, n], 2)];
      return {
        run: async () => {
          const c = tf.matMul(a, b);
          await settle(c);
          c.dispose();
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
  };
}

function attention(): Workload {
  const [B, N, T, H] = [8, 4, 128, 32];
  return {
    name: "SDPA fwd B8 N4 T128 H32",
    flops: 2 * 2 * B * N * T * T * H,
    setup: () => {
      const [q, k, v] = [1, 2, 3].map((s) => uniform([B, N, T, H], s)) as [
        tf.Tensor4D,
        tf.Tensor4D,
        tf.Tensor4D,
      ];
      return {
        run: async () => {
          const out = tf.tidy(() => {
            const scores = tf.matMul(q, k, false, true).div(Math.sqrt(H)); // [B, N, T, T]
            return tf.matMul(tf.softmax(scores), v); // [B, N, T, H]
          });
          await settle(out);
          out.dispose();
        },
        dispose: () => tf.dispose([q, k, v]),
      };
    },
  };
}

/** The encoder as plain parts: embedding table, layers, output head; `logits(tokens)` → [B, T, vocab]. */
function buildEncoder() {
  const { dModel, numHeads, dFF, layers, vocab } = ENCODER;
  // No fixed variable name: bench/run.ts sets up both encoder workloads at once.
  const embedding = tf.variable(uniform([vocab, dModel], 7).mul(0.1), true);
  const blocks = Array.from(
    { length: layers },
    (_, i) => new TransformerEncoderLayer({ numHeads, dFF, seed: 10 + i }),
  );
  const head = tf.layers.dense({
    units: vocab,
    kernelInitializer: tf.initializers.glorotUniform({ seed: 20 }),
  });
  const logits = (tokens: tf.Tensor2D, training: boolean) =>
    head.apply(
      blocks.reduce<tf.Tensor>(
        (h, block) => block.apply(h, { training }) as tf.Tensor,
        tf.gather(embedding, tokens), // [B, T, E]
      ),
    ) as tf.Tensor3D;
  return { embedding, blocks, head, logits };
}

function randomTokens(seed: number): tf.Tensor2D {
  const rng = mulberry32(seed);
  const { batch, seq, vocab } = ENCODER;
  return tf.tensor2d(
    Array.from({ length: batch }, () => Array.from({ length: seq }, () => rng.int(0, vocab - 1))),
    undefined,
    "int32",
  );
}

function encoderInference(): Workload {
  return {
    name: "encoder inference",
    setup: () => {
      const model = buildEncoder();
      const tokens = randomTokens(1);
      return {
        run: async () => {
          const out = tf.tidy(() => model.logits(tokens, false));
          await settle(out);
          out.dispose();
        },
        dispose: () => {
          tf.dispose([tokens, model.embedding]);
          model.blocks.forEach((b) => b.dispose());
          model.head.dispose();
        },
      };
    },
  };
}

function encoderTrainStep(): Workload {
  return {
    name: "encoder train step",
    setup: () => {
      const model = buildEncoder();
      const tokens = randomTokens(2);
      const targets = tf.tidy(() => tf.oneHot(tf.reverse(tokens, 1), ENCODER.vocab)); // predict the reversed sequence
      const optimizer = tf.train.adam(1e-3);
      return {
        run: async () => {
          const { value: loss, grads } = optimizer.computeGradients(
            () => tf.losses.softmaxCrossEntropy(targets, model.logits(tokens, true)) as tf.Scalar,
          );
          applyOptimizerStep(optimizer, grads); // what fit and trainStep do: fused Adam on wasm
          await loss.data();
          tf.dispose([loss, ...Object.values(grads)]);
        },
        dispose: () => {
          tf.dispose([tokens, targets, model.embedding]);
          model.blocks.forEach((b) => b.dispose());
          model.head.dispose();
          optimizer.dispose();
        },
      };
    },
  };
}

export const WORKLOADS: Workload[] = [matmul(), attention(), encoderInference(), encoderTrainStep()];
