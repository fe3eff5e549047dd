/**
 * Case study: listen–attend–spell on synthesized speech. A pyramidal conv + GRU listener and a Bahdanau
 * attention speller transcribe spoken digit strings (English and Mandarin, eSpeak NG voices). Targets, on
 * voice variants never heard in training: digit error rate ≤ 5 % and a monotonic alignment — Spearman's ρ
 * between the decoder step and the attended encoder step (the argmax of the attention), mean over
 * utterances, ≥ 0.9. Training stops on validation utterances of those voices; the test utterances are measured once.
 */
import * as tf from "@tensorflow/tfjs";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { spearman } from "../../metrics/rankCorrelation.js";
import { sequenceCrossEntropy } from "../../models/seq2seqTraining.js";
import { childSeed } from "../../random/childSeed.js";
import { type Target, targetsMet } from "../../records/record.js";
import { allIndices } from "../../train/batches.js";
import { fitAdam } from "../../train/fitAdam.js";
import { trainableVariables } from "../../train/variables.js";
import {
  SPEECH_MAX_DIGITS,
  SPEECH_PAD,
  type SpeechData,
  type SpeechUtterance,
  speechBatch,
  speechData,
  speechDigits,
} from "./data.js";
import { type SpeechLas, speechEncoderLength, speechGreedy, speechModel } from "./model.js";

/** Settings of the speech experiment. */
export interface SpeechConfig {
  seed: number;
  /** Utterances of the training voices (at most 1,760). */
  trainSize: number;
  /** Utterances of the held-out voices the stop rule is measured on, none a test utterance (testSize + this ≤ 400). */
  validationSize: number;
  /** Utterances of the held-out voices (at most 400). */
  testSize: number;
  /** Upper bound on epochs; training stops after the first epoch at which every target holds on validation. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Channels of the two strided convolutions of the listener. */
  filters: number[];
  /** Width of the GRU listener and of the speller. */
  hiddenSize: number;
  /** Width of the speller's token embeddings. */
  embedSize: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const SPEECH_DEFAULTS: SpeechConfig = {
  seed: 0,
  trainSize: 1760,
  validationSize: 160,
  testSize: 240,
  epochs: 14,
  batchSize: 32,
  learningRate: 4e-3,
  filters: [32, 48],
  hiddenSize: 64,
  embedSize: 16,
};

/** The claims of the full-mode run (on test); training stops at the first epoch where all of them hold on validation. */
export const SPEECH_TARGETS: Target[] = [
  { metric: "der", op: "<=", value: 0.05 },
  { metric: "alignment", op: ">=", value: 0.9 },
];

/** Levenshtein distance (substitution, insertion, deletion each 1) between two strings. */
export function speechEditDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** Digit error rate: total edit distance over total reference digits. */
export function speechDer(references: readonly string[], hypotheses: readonly string[]): number {
  if (references.length !== hypotheses.length)
    throw new RangeError(
      `speechDer: ${references.length} references but ${hypotheses.length} hypotheses; they must pair up`,
    );
  let errors = 0;
  let digits = 0;
  references.forEach((r, i) => {
    errors += speechEditDistance(r, hypotheses[i]!);
    digits += r.length;
  });
  return digits === 0 ? 0 : errors / digits;
}

/**
 * Spearman's ρ between the digit steps 0..n−1 and the encoder step each attends to: the argmax of its weights
 * (default; steps that share an argmax are ties, which lower ρ) or its expected position Σ_s α_ts·s
 * (`weights` rows `[n (+ end)][S]`, only the first n read). 0 when every step attends to the same place.
 * The expected position is near the middle and drifts smoothly even for untrained, near-uniform weights, so
 * its ρ is close to 1 before training: the target reads the argmax.
 */
export function speechAlignment(
  weights: readonly (readonly number[])[],
  digits: number,
  position: "argmax" | "expected" = "argmax",
): number {
  const rows = weights.slice(0, digits);
  const at = (row: readonly number[]) =>
    position === "argmax" ? row.indexOf(Math.max(...row)) : row.reduce((acc, w, s) => acc + w * s, 0);
  return spearman(
    rows.map((_, t) => t),
    rows.map(at),
  );
}

/** What the evaluation gives: metrics, and per held-out utterance its transcript and teacher-forced attention. */
export interface SpeechEvaluation {
  /** der, der.en, der.cmn, exact, alignment (argmax ρ), alignment.expected (expected-position ρ). */
  metrics: Record<string, number>;
  /** The greedy transcripts, e.g. "31415". */
  transcripts: string[];
  /** Teacher-forced attention per utterance `[n + 1][S]` (digit steps, then the end step; S its valid steps). */
  attention: number[][][];
}

/** Greedy DER (overall and per language), exact match and the alignment ρ of `model` on every utterance of `test`. */
export function speechEvaluate(
  model: SpeechLas,
  test: readonly SpeechUtterance[],
  config: { batchSize: number },
): SpeechEvaluation {
  const transcripts: string[] = [];
  const attention: number[][][] = [];
  const ix = allIndices(test.length);
  for (let start = 0; start < ix.length; start += config.batchSize) {
    const chunk = ix.slice(start, start + config.batchSize);
    const b = speechBatch(test, chunk);
    try {
      const greedy = speechGreedy(model, b.x, b.frameLens, SPEECH_MAX_DIGITS + 1);
      for (const ids of greedy.ids) transcripts.push(speechDigits(ids));
      const w = tf.tidy(() => {
        const { output, attention: a } = model.applyWithAttention([b.x, b.tgtIn], { frameLens: b.frameLens });
        output.dispose();
        return a.decoderCross[0]!.arraySync() as number[][][];
      });
      chunk.forEach((i, k) => {
        const u = test[i]!;
        const s = speechEncoderLength(u.frames);
        attention.push(w[k]!.slice(0, u.digits.length + 1).map((row) => row.slice(0, s)));
      });
    } finally {
      tf.dispose(b);
    }
  }
  const refs = test.map((u) => u.digits);
  const lang = (l: string) => {
    const i = test.flatMap((u, k) => (u.lang === l ? [k] : []));
    return speechDer(
      i.map((k) => refs[k]!),
      i.map((k) => transcripts[k]!),
    );
  };
  const rhoArgmax = test.map((u, k) => speechAlignment(attention[k]!, u.digits.length));
  const rho = test.map((u, k) => speechAlignment(attention[k]!, u.digits.length, "expected"));
  const mean = (xs: number[]) => xs.reduce((a, r) => a + r, 0) / Math.max(xs.length, 1);
  return {
    metrics: {
      der: speechDer(refs, transcripts),
      "der.en": lang("en"),
      "der.cmn": lang("cmn"),
      exact: test.filter((u, k) => transcripts[k] === u.digits).length / Math.max(test.length, 1),
      alignment: mean(rhoArgmax),
      "alignment.expected": mean(rho),
    },
    transcripts,
    attention,
  };
}

/** The teacher-forced token cross-entropy of a batch (padding ignored). */
export function speechLoss(model: SpeechLas, b: ReturnType<typeof speechBatch>): tf.Scalar {
  return tf.tidy(() => {
    const { output, attention } = model.applyWithAttention([b.x, b.tgtIn], {
      frameLens: b.frameLens,
      training: true,
    });
    tf.dispose(attention.decoderCross);
    return sequenceCrossEntropy(output, b.tgtOut, { padId: SPEECH_PAD });
  });
}

/** The trained model (the caller disposes it), the data and the final evaluation. */
export interface SpeechArtifacts {
  model: SpeechLas;
  data: SpeechData;
  final: SpeechEvaluation;
}

export const speechExperiment = defineExperiment<SpeechConfig, SpeechArtifacts>({
  name: "speech",
  title: "Speech: listen–attend–spell transcribes spoken digits by voices it never heard",
  notebook: "notebooks/cases/11-speech-listen-attend-spell.ipynb",
  defaults: SPEECH_DEFAULTS,
  quick: { trainSize: 320, validationSize: 32, testSize: 64, epochs: 1 },
  targets: SPEECH_TARGETS,
  run(config, context) {
    const data = speechData(config);
    return disposeOnError(async (own) => {
      const model = own(speechModel(config));
      const training = await fitAdam({
        title: "speech",
        adam: { learningRate: config.learningRate },
        variables: trainableVariables(model),
        size: config.trainSize,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: childSeed(config.seed, "shuffle"),
        batch: (ix) => speechBatch(data.train, ix),
        loss: (b) => speechLoss(model, b),
        // the stop is decided on the validation utterances; the test utterances stay unseen until the end
        evaluate: () => speechEvaluate(model, data.validation, config).metrics,
        stopWhen: targetsMet(SPEECH_TARGETS),
        progress: context.progress,
      });
      const final = speechEvaluate(model, data.test, config);
      return caseOutput(data.dataset, training, final.metrics, { model, data, final });
    });
  },
});
