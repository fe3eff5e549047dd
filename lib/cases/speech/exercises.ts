/**
 * The exercises of notebooks/cases/11-speech-listen-attend-spell.ipynb. Every right answer is computed here from
 * the library and the case's own data: an answer is a measured quantity together with the model and settings it
 * was measured on, and the check draws the held-out utterances again with `speechData` and re-evaluates the
 * model with `speechEvaluate` (or recomputes the listener's lengths with `speechEncoderLength`). No check depends
 * on how well the training went. A hint says what is off, not the answer.
 */
import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { childSeed } from "../../random/childSeed.js";
import { sameWeights } from "../../train/variables.js";
import { type SpeechUtterance, speechData } from "./data.js";
import { checkConfigOf } from "../../experiments/experiment.js";
import {
  SPEECH_DEFAULTS,
  type SpeechConfig,
  speechDer,
  speechEvaluate,
  speechExperiment,
} from "./experiment.js";
import { SpeechLas, speechEncoderLength, speechModel } from "./model.js";

const agrees = (reported: number, computed: number) => Math.abs(reported - computed) <= 1e-9;
const wrong = (hint: string): Verdict => ({ right: false, hint });

/** `answer.model` and `answer.config` as a trained speech model and the settings it was built from, or a hint. */
function asTrainedRun(
  answer: Record<string, unknown>,
  where: string,
): { model: SpeechLas; config: SpeechConfig } | string {
  if (!(answer.model instanceof SpeechLas))
    return `\`${where}.model\` should be the trained model (a SpeechLas, as speechModel builds it)`;
  if (!isRecord(answer.config))
    return `\`${where}.config\` should be the settings you trained with (\`config\`)`;
  let config: SpeechConfig;
  try {
    config = checkConfigOf(`${where}.config`, speechExperiment, {
      ...SPEECH_DEFAULTS,
      ...answer.config,
    } as SpeechConfig);
  } catch (e) {
    return (e as Error).message;
  }
  const model = answer.model;
  const s = model.settings;
  if (
    s.seed !== childSeed(config.seed, "model") ||
    s.hiddenSize !== config.hiddenSize ||
    s.embedSize !== config.embedSize ||
    JSON.stringify(s.filters) !== JSON.stringify(config.filters)
  )
    return `\`${where}.model\` was not built from \`${where}.config\` (its seed or sizes differ): build it with speechModel(config)`;
  const initial = speechModel(config);
  try {
    if (sameWeights(model, initial))
      return `\`${where}.model\` still has its initial weights: train it first`;
  } finally {
    initial.dispose();
  }
  return { model, config };
}

/** The held-out utterances of `config` (the test split has its own seed, so only it matters). */
const heldOut = (config: SpeechConfig): SpeechUtterance[] => speechData({ ...config, trainSize: 1 }).test;

/** Exercise 1: DER on the held-out Mandarin utterances and on the English ones. */
function derByLanguageCheck(answer: unknown): Verdict {
  if (!isRecord(answer)) return wrong("`derByLanguage` should be { model, config, en, cmn }");
  const run = asTrainedRun(answer, "derByLanguage");
  if (typeof run === "string") return wrong(run);
  const { en, cmn } = answer;
  for (const [k, v] of [
    ["en", en],
    ["cmn", cmn],
  ] as const)
    if (!(isFiniteNumber(v) && v >= 0))
      return wrong(`\`derByLanguage.${k}\` should be a digit error rate: a number ≥ 0`);
  const test = heldOut(run.config);
  const ev = speechEvaluate(run.model, test, run.config);
  const m = ev.metrics;
  if (
    agrees(en as number, m["der.cmn"]!) &&
    agrees(cmn as number, m["der.en"]!) &&
    !agrees(m["der.en"]!, m["der.cmn"]!)
  )
    return wrong("`en` and `cmn` are swapped");
  for (const lang of ["en", "cmn"] as const) {
    const reported = answer[lang] as number;
    if (agrees(reported, m[`der.${lang}`]!)) continue;
    if (agrees(reported, m.der!))
      return wrong(
        `\`derByLanguage.${lang}\` is the DER over both languages; keep only the ${lang} utterances`,
      );
    const subset = test.flatMap((u, k) => (u.lang === lang ? [k] : []));
    const perUtterance =
      subset.reduce((acc, k) => acc + speechDer([test[k]!.digits], [ev.transcripts[k]!]), 0) /
      Math.max(subset.length, 1);
    if (agrees(reported, perUtterance))
      return wrong(
        `\`derByLanguage.${lang}\` averages each utterance's rate; the DER sums the edits over all utterances, then divides by all their digits`,
      );
    return wrong(
      `\`derByLanguage.${lang}\` is not the DER speechEvaluate's transcripts give on the held-out ${lang} utterances`,
    );
  }
  return {
    right: true,
    note: `held-out DER: English ${m["der.en"]!.toFixed(4)}, Mandarin ${m["der.cmn"]!.toFixed(4)}`,
  };
}

/** Exercise 2: encoder steps of utterances of the given frame counts. */
function pyramidStepsCheck(answer: unknown): Verdict {
  if (!isRecord(answer) || !Array.isArray(answer.frames) || !Array.isArray(answer.steps))
    return wrong("`pyramidSteps` should be { frames, steps }: two arrays of whole numbers");
  const frames = answer.frames as unknown[];
  const steps = answer.steps as unknown[];
  if (frames.length < 3 || !frames.every((f) => Number.isInteger(f) && (f as number) >= 1))
    return wrong("`pyramidSteps.frames` should hold at least 3 frame counts (whole numbers ≥ 1)");
  if (!frames.some((f) => (f as number) % 4 !== 0))
    return wrong(
      "include at least one frame count that is not a multiple of 4: that is where the rounding shows",
    );
  if (steps.length !== frames.length)
    return wrong("`pyramidSteps.steps` should hold one count per entry of `frames`");
  for (const [i, f] of (frames as number[]).entries()) {
    const right = speechEncoderLength(f);
    const got = steps[i];
    if (got === right) continue;
    if (got === Math.floor(f / 4))
      return wrong(
        `at ${f} frames: a stride-2 "same" convolution keeps a last, half-filled window; round up, not down`,
      );
    if (got === Math.ceil(f / 2))
      return wrong(`at ${f} frames: the listener has two stride-2 convolutions, not one`);
    return wrong(`at ${f} frames: that is not the number of encoder steps the listener gives`);
  }
  return {
    right: true,
    note: `encoder steps: ${(frames as number[]).map((f) => `${f} → ${speechEncoderLength(f)}`).join(", ")}`,
  };
}

/** Exercise 3: DER on the noisier (SNR ≤ 20 dB) and cleaner (> 20 dB) held-out utterances. */
function derByNoiseCheck(answer: unknown): Verdict {
  if (!isRecord(answer)) return wrong("`derByNoise` should be { model, config, noisy, clean }");
  const run = asTrainedRun(answer, "derByNoise");
  if (typeof run === "string") return wrong(run);
  const { noisy, clean } = answer;
  for (const [k, v] of [
    ["noisy", noisy],
    ["clean", clean],
  ] as const)
    if (!(isFiniteNumber(v) && v >= 0))
      return wrong(`\`derByNoise.${k}\` should be a digit error rate: a number ≥ 0`);
  const test = heldOut(run.config);
  const ev = speechEvaluate(run.model, test, run.config);
  const der = (keep: (u: SpeechUtterance) => boolean) => {
    const ix = test.flatMap((u, k) => (keep(u) ? [k] : []));
    return speechDer(
      ix.map((k) => test[k]!.digits),
      ix.map((k) => ev.transcripts[k]!),
    );
  };
  const right = { noisy: der((u) => u.snr <= 20), clean: der((u) => u.snr > 20) };
  if (
    agrees(noisy as number, right.clean) &&
    agrees(clean as number, right.noisy) &&
    !agrees(right.noisy, right.clean)
  )
    return wrong("`noisy` and `clean` are swapped: noisy means a low SNR");
  for (const k of ["noisy", "clean"] as const) {
    if (agrees(answer[k] as number, right[k])) continue;
    const edge = k === "noisy" ? der((u) => u.snr < 20) : der((u) => u.snr >= 20);
    if (agrees(answer[k] as number, edge))
      return wrong(`\`derByNoise.${k}\`: an SNR of exactly 20 dB belongs to the noisy group`);
    if (agrees(answer[k] as number, ev.metrics.der!))
      return wrong(`\`derByNoise.${k}\` is the DER of every held-out utterance; keep only the ${k} ones`);
    return wrong(
      `\`derByNoise.${k}\` is not the DER of speechEvaluate's transcripts on the ${k} held-out utterances`,
    );
  }
  return {
    right: true,
    note: `held-out DER: SNR ≤ 20 dB ${right.noisy.toFixed(4)}, SNR > 20 dB ${right.clean.toFixed(4)}`,
  };
}

export const SPEECH_EXERCISES = defineExercises("cases/11-speech-listen-attend-spell", [
  {
    n: 1,
    answer: "derByLanguage",
    title: "digit error rate of the trained model per language, on the held-out voices",
    check: derByLanguageCheck,
  },
  {
    n: 2,
    answer: "pyramidSteps",
    title: "encoder steps the pyramidal listener gives for a few utterance lengths",
    check: pyramidStepsCheck,
  },
  {
    n: 3,
    answer: "derByNoise",
    title: "digit error rate on the noisier and the cleaner held-out utterances",
    check: derByNoiseCheck,
  },
]);
