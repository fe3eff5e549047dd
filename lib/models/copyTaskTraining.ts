/**
 * Trains a Transformer on the copy task until greedy decoding copies a held-out set exactly, or a step limit.
 * Used by `scripts/copy-task.ts` (the full run) and by the unit test (a short run). Follows: the Annotated
 * Transformer's copy example (Adam with warm-up, greedy decoding to check).
 */
import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "../random/prng.js";
import { COPY_TASK, copyTaskBatch, copyTaskTensors, exactMatch } from "./copyTask.js";
import { greedyDecode } from "./decoding.js";
import { setLearningRate, trainStep, warmupRate } from "./seq2seqTraining.js";
import { Transformer } from "./transformer.js";
import { type TransformerConfig, transformerConfig } from "./transformerConfig.js";

/** Options of {@link trainCopyTask}. */
export interface CopyTaskOptions {
  /** Model config on top of the `tiny` preset and the task's vocabulary. Default: the tiny preset. */
  model?: Partial<TransformerConfig>;
  /** Seed of the data and the weights. Default 0. */
  seed?: number;
  /** Step limit. Default 3000. */
  maxSteps?: number;
  /** Sequences per step. Default 64. */
  batchSize?: number;
  /** Peak Adam learning rate. Default 3e-3. */
  learningRate?: number;
  /** Warm-up steps. Default 100. */
  warmup?: number;
  /** Evaluate every this many steps. Default 100. */
  evalEvery?: number;
  /** Fresh sequences in each evaluation. Default 256. */
  evalSize?: number;
  /** Stop when exact-sequence accuracy reaches this. Default 0.99. */
  target?: number;
  /** Called after each evaluation. */
  onEval?: (record: CopyTaskEval) => void;
}

/** One evaluation: step, mean training loss since the last one, accuracy, wall time so far. */
export interface CopyTaskEval {
  step: number;
  loss: number;
  accuracy: number;
  seconds: number;
}

/** The trained model (the caller disposes it), each evaluation, and whether the target was reached. */
export interface CopyTaskResult {
  model: Transformer;
  history: CopyTaskEval[];
  reached: boolean;
  losses: number[];
}

/** Trains and evaluates; every tensor it makes is disposed except the returned model's weights. */
export function trainCopyTask(options: CopyTaskOptions = {}): CopyTaskResult {
  const seed = options.seed ?? 0;
  const [maxSteps, batchSize, evalEvery] = [
    options.maxSteps ?? 3000,
    options.batchSize ?? 64,
    options.evalEvery ?? 100,
  ];
  const vocab = {
    srcVocab: COPY_TASK.vocabSize,
    tgtVocab: COPY_TASK.vocabSize,
    maxLength: COPY_TASK.length + 2,
  };
  const model = new Transformer(
    transformerConfig({ ...vocab, seed, ...options.model }, "tiny"),
  ).ensureBuilt();
  const optimizer = tf.train.adam(options.learningRate ?? 3e-3, 0.9, 0.98, 1e-9);
  const [trainRng, evalRng] = [mulberry32(seed * 2 + 1), mulberry32(seed * 2 + 2)];
  const started = Date.now();
  const history: CopyTaskEval[] = [];
  const losses: number[] = [];
  let reached = false;
  for (let step = 1; step <= maxSteps && !reached; step++) {
    setLearningRate(optimizer, warmupRate(step, options.learningRate ?? 3e-3, options.warmup ?? 100));
    const batch = copyTaskTensors(copyTaskBatch(trainRng, batchSize));
    losses.push(trainStep(model, optimizer, batch));
    tf.dispose(batch);
    if (step % evalEvery === 0 || step === maxSteps) {
      const held = copyTaskBatch(evalRng, options.evalSize ?? 256);
      const accuracy = exactMatch(
        greedyDecode(model, held.src, { bos: COPY_TASK.bos, eos: COPY_TASK.eos }),
        held.src,
      );
      const recent = losses.slice(-evalEvery);
      const loss = recent.reduce((a, b) => a + b, 0) / recent.length;
      const record = { step, loss, accuracy, seconds: (Date.now() - started) / 1000 };
      history.push(record);
      options.onEval?.(record);
      reached = accuracy >= (options.target ?? 0.99);
    }
  }
  optimizer.dispose();
  return { model, history, reached, losses };
}
