/**
 * Case study: temporal attention over video frames. A per-frame CNN with soft spatial attention reads each
 * 16×16 frame of an 8-frame clip; attention pooling over the frames decides which frame the event class reads;
 * the soft-argmax of each frame's spatial map tracks the moving dot. One model, two heads, one combined loss:
 * cross-entropy of the event type plus `trackingWeight` × the mean squared distance (px²) between the tracked and
 * the true dot position over all frames, plus `keyFrameWeight` × a hint for the temporal attention (−log of its
 * weight on the event frame). Without the hint the class head learns a shortcut: it recognises two event types
 * and reads the third off their absence, so the attention never looks at that one (the notebook shows it).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { accuracy, argmaxRows } from "../../metrics/classification.js";
import { meanDistance } from "../../metrics/localization.js";
import { classCrossEntropy } from "../../models/cnn/classify.js";
import { childSeed } from "../../random/childSeed.js";
import { type Target, targetsMet } from "../../records/record.js";
import { allIndices } from "../../train/batches.js";
import { fitAdam } from "../../train/fitAdam.js";
import { trainableVariables } from "../../train/variables.js";
import { VIDEO_FRAMES, type VideoData, type VideoSet, videoBatch, videoData } from "./data.js";
import { type VideoForward, type VideoModel, videoModel } from "./model.js";

/** Settings of the video experiment. */
export interface VideoConfig {
  seed: number;
  trainSize: number;
  /** Clips training's stop rule reads each epoch (the test split stays unseen until the end). */
  validationSize: number;
  testSize: number;
  /** Upper bound on epochs; training stops after the first epoch at which every target holds on validation. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Channels of the per-frame conv blocks. */
  filters: number[];
  /** Softmax temperature of the spatial attention. */
  temperature: number;
  /** Hidden width of the temporal attention's scorer. */
  attentionUnits: number;
  /** Standard deviation of the per-pixel noise of the clips. */
  noise: number;
  /** Weight λ of the tracking loss: loss = cross-entropy + λ · mean squared distance (px²). */
  trackingWeight: number;
  /**
   * Weight μ of the key-frame hint: loss += μ · mean(−log α_event), α_event the temporal attention on the event
   * frame. 0 leaves the attention unsupervised (it then learns a shortcut: see the notebook).
   */
  keyFrameWeight: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const VIDEO_DEFAULTS: VideoConfig = {
  seed: 0,
  trainSize: 1500,
  validationSize: 200,
  testSize: 400,
  epochs: 6,
  batchSize: 32,
  learningRate: 3e-3,
  filters: [8, 16],
  temperature: 1,
  attentionUnits: 16,
  noise: 0.15,
  trackingWeight: 0.05,
  keyFrameWeight: 0.1,
};

/** The claims of the full-mode run (on test); training stops at the first epoch where all of them hold on validation. */
export const VIDEO_TARGETS: Target[] = [
  { metric: "accuracy", op: ">=", value: 0.95 },
  { metric: "keyFrame", op: ">=", value: 0.8 },
  { metric: "trackingError", op: "<=", value: 1.5 },
];

/**
 * The combined loss of one batch: cross-entropy of the event + λ · mean squared tracking distance (px²) + μ ·
 * mean(−log α on the event frame).
 */
export function videoLoss(
  model: VideoModel,
  batch: { x: tf.Tensor; y: tf.Tensor1D; positions: tf.Tensor; eventFrames: tf.Tensor1D },
  weights: { trackingWeight: number; keyFrameWeight: number },
): tf.Scalar {
  return tf.tidy(() => {
    const r = model.applyWithAttention(batch.x);
    const classLoss = classCrossEntropy(r.output, batch.y);
    // squared distance per frame, summed over (row, col), averaged over clips and frames
    const tracking = tf.mean(tf.sum(tf.square(tf.sub(r.attention.location, batch.positions)), 2));
    // −log of the temporal attention on the event frame, averaged over clips
    const onEvent = tf.sum(tf.mul(r.attention.temporal, tf.oneHot(batch.eventFrames, VIDEO_FRAMES)), 1);
    const keyFrame = tf.neg(tf.mean(tf.log(tf.add(onEvent, 1e-7))));
    return tf.addN([
      classLoss,
      tf.mul(tracking, weights.trackingWeight),
      tf.mul(keyFrame, weights.keyFrameWeight),
    ]) as tf.Scalar;
  });
}

/** What the evaluation gives: the metrics, and per held-out clip its prediction, α and tracked positions. */
export interface VideoEvaluation {
  metrics: { accuracy: number; keyFrame: number; trackingError: number };
  /** `[N, K]` event probabilities. */
  probs: number[][];
  predicted: number[];
  /** `[N, 8]` temporal attention α. */
  temporal: number[][];
  /** The frame with the largest α, per clip. */
  keyFrames: number[];
  /** `[N, 8, 2]` the soft-argmax `[row, col]` of every frame's spatial map. */
  locations: [number, number][][];
  /** `[N, 2]` the tracked position in the last frame (what `trackingError` measures). */
  tracked: [number, number][];
}

/** Clips per inference batch of {@link videoEvaluate}. */
const EVAL_BATCH = 100;

/** The forward pass of `model` over every clip of `set`, as plain arrays (no tensor survives). */
export function videoPredict(
  model: VideoModel,
  set: VideoSet,
): { probs: number[][]; temporal: number[][]; locations: [number, number][][] } {
  const out = { probs: [] as number[][], temporal: [] as number[][], locations: [] as [number, number][][] };
  const ix = allIndices(set.labels.length);
  for (let start = 0; start < ix.length; start += EVAL_BATCH) {
    const chunk = ix.slice(start, start + EVAL_BATCH);
    const r: VideoForward = tf.tidy(() => {
      const b = videoBatch(set, chunk);
      return model.applyWithAttention(b.x);
    });
    out.probs.push(...(r.output.arraySync() as number[][]));
    out.temporal.push(...(r.attention.temporal.arraySync() as number[][]));
    out.locations.push(...(r.attention.location.arraySync() as [number, number][][]));
    tf.dispose(r);
  }
  return out;
}

/** Event accuracy, key-frame top-1 and last-frame tracking error of `model` on `test` (every clip). */
export function videoEvaluate(model: VideoModel, test: VideoSet): VideoEvaluation {
  const p = videoPredict(model, test);
  const predicted = argmaxRows(p.probs);
  const keyFrames = argmaxRows(p.temporal);
  const last = VIDEO_FRAMES - 1;
  const tracked = p.locations.map((frames) => frames[last]!);
  const truth = test.positions.map((frames) => frames[last]!);
  return {
    metrics: {
      accuracy: accuracy(predicted, test.labels),
      keyFrame: accuracy(keyFrames, test.eventFrames),
      trackingError: meanDistance(tracked, truth),
    },
    probs: p.probs,
    predicted,
    temporal: p.temporal,
    keyFrames,
    locations: p.locations,
    tracked,
  };
}

/** The trained model (the caller disposes it), the data and the final evaluation. */
export interface VideoArtifacts {
  model: VideoModel;
  data: VideoData;
  final: VideoEvaluation;
}

export const videoExperiment = defineExperiment<VideoConfig, VideoArtifacts>({
  name: "video",
  title: "Video: temporal attention finds the event frame, a spatial soft-argmax tracks the dot",
  notebook: "notebooks/cases/14-video-temporal-attention.ipynb",
  defaults: VIDEO_DEFAULTS,
  quick: { trainSize: 200, validationSize: 50, testSize: 100, epochs: 1 },
  configRules: {
    attentionUnits: opt.integer({ min: 1, max: 4096 }),
    noise: opt.number({ min: 0, max: 10 }),
    trackingWeight: opt.number({ min: 0 }),
    keyFrameWeight: opt.number({ min: 0 }),
    temperature: opt.number({ above: 0 }),
  },
  targets: VIDEO_TARGETS,
  run(config, context) {
    const data = videoData(config);
    return disposeOnError(async (own) => {
      const model = own(videoModel(config));
      const training = await fitAdam({
        title: "video",
        adam: { learningRate: config.learningRate },
        variables: trainableVariables(model),
        size: config.trainSize,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: childSeed(config.seed, "shuffle"),
        batch: (ix) => videoBatch(data.train, ix),
        loss: (b) => videoLoss(model, b, config),
        evaluate: () => videoEvaluate(model, data.validation).metrics,
        stopWhen: targetsMet(VIDEO_TARGETS),
        progress: context.progress,
      });
      const final = videoEvaluate(model, data.test);
      return caseOutput(data.dataset, training, final.metrics, { model, data, final });
    });
  },
});
