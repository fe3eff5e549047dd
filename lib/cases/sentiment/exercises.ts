/**
 * The exercises of notebooks/cases/04-sentiment-negation.ipynb. Every right answer is computed here from the
 * library and the case's own data and models (`sentimentData`, `sentimentLexicon`, `sentimentEvaluate`), never
 * typed in; a hint says what is off without giving the answer. Each answer is a measured quantity together with
 * what it was measured on (the model, and the config or the reviews), and the check measures it again, so no
 * check depends on how well training went. 1: plain and negated accuracy of a model without self-attention;
 * 2: hand-made reviews with `not` two tokens before the word, and the model's accuracy on them; 3: the case's
 * model and its ablation trained with seeds 1 … 5.
 */

import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { PoolingClassifier } from "../../models/poolingClassifier.js";
import {
  SENTIMENT_FILLERS,
  SENTIMENT_MAX_LENGTH,
  type SentimentExample,
  sentimentData,
  sentimentLexicon,
} from "./data.js";
import { SENTIMENT_DEFAULTS, sentimentEvaluate } from "./experiment.js";

const isCount = (x: unknown, min: number): x is number => Number.isInteger(x) && (x as number) >= min;
const close = (x: number, y: number) => Math.abs(x - y) <= 1e-6;

/** The data settings of a sentiment config, or a hint. */
function dataSettings(config: unknown, what = "config") {
  if (
    !isRecord(config) ||
    !isCount(config.seed, 0) ||
    !isCount(config.trainSize, 1) ||
    !isCount(config.testSize, 1) ||
    !isFiniteNumber(config.negationRate) ||
    config.negationRate < 0 ||
    config.negationRate > 1
  ) {
    return `${what} should be the notebook's config with the change the exercise asks for ({ ...config, … })`;
  }
  return {
    seed: config.seed,
    trainSize: config.trainSize,
    testSize: config.testSize,
    negationRate: config.negationRate,
  };
}

/** Why `model` is not a classifier over the case's reviews (built by `sentimentModel`), or null. */
function sentimentModelProblem(model: unknown, what: string): string | null {
  if (!(model instanceof PoolingClassifier)) {
    return `${what} should be a model built by sentimentModel(…) (a PoolingClassifier)`;
  }
  const c = model.config;
  if (
    c.vocabSize !== sentimentLexicon().vocab.length ||
    c.maxLength !== SENTIMENT_MAX_LENGTH ||
    c.outputs !== 1
  ) {
    return `${what} is not a classifier over the case's vocabulary: build it with sentimentModel(…)`;
  }
  return null;
}

/** `sentimentEvaluate`'s accuracy of `model` on `reviews`. */
const accuracyOn = (model: PoolingClassifier, reviews: readonly SentimentExample[]) =>
  sentimentEvaluate(model, reviews).metrics.accuracy;

/* ---------------------------------------------------------------- 1: no token sees another */

function noMixing(answer: unknown): Verdict {
  const shape =
    "{ config, model, plainAccuracy, negatedAccuracy }: the config with numHeads 0, the model trained on it, and its accuracy on the plain and on the negated held-out reviews";
  if (!isRecord(answer)) return { right: false, hint: `the answer should be ${shape}` };
  const modelProblem = sentimentModelProblem(answer.model, "model");
  if (modelProblem !== null) return { right: false, hint: modelProblem };
  const model = answer.model as PoolingClassifier;
  const { plainAccuracy, negatedAccuracy } = answer;
  if (!isFiniteNumber(plainAccuracy) || !isFiniteNumber(negatedAccuracy)) {
    return {
      right: false,
      hint: "plainAccuracy and negatedAccuracy should be isFiniteNumber numbers (fractions)",
    };
  }
  const settings = dataSettings(answer.config);
  if (typeof settings === "string") return { right: false, hint: settings };
  if ((answer.config as Record<string, unknown>).numHeads !== 0)
    return { right: false, hint: "config.numHeads should be 0: no self-attention" };
  if (model.selfAttention !== null) {
    return {
      right: false,
      hint: "this model still has self-attention: build it from the config with numHeads 0",
    };
  }
  const test = sentimentData(settings).test;
  const negated = test.filter((r) => r.negated);
  const plain = test.filter((r) => !r.negated);
  if (negated.length === 0 || plain.length === 0) {
    return {
      right: false,
      hint: "your config's held-out reviews need both negated and plain ones (0 < negationRate < 1)",
    };
  }
  const [p, n] = [accuracyOn(model, plain), accuracyOn(model, negated)];
  if (close(plainAccuracy, p) && close(negatedAccuracy, n)) {
    return {
      right: true,
      note: `plain ${p.toFixed(3)}, negated ${n.toFixed(3)}: a token's score cannot depend on the token before it`,
    };
  }
  if (close(plainAccuracy, n) && close(negatedAccuracy, p))
    return { right: false, hint: "plainAccuracy and negatedAccuracy are swapped" };
  const all = accuracyOn(model, test);
  if (close(plainAccuracy, all) || close(negatedAccuracy, all)) {
    return { right: false, hint: "that is the accuracy over every held-out review: split them by `negated`" };
  }
  const which = close(plainAccuracy, p) ? "negatedAccuracy" : "plainAccuracy";
  return {
    right: false,
    hint: `${which} is not what sentimentEvaluate gives for this model on those held-out reviews of your config`,
  };
}

/* ---------------------------------------------------------------- 2: `not` two tokens before the word */

/** Why `review` is not a review with `not` two tokens before its one sentiment word, or null when it is one. */
function farNegationProblem(review: unknown, k: number): string | null {
  const lexicon = sentimentLexicon();
  const at = `review ${k}`;
  if (
    !isRecord(review) ||
    !Array.isArray(review.tokens) ||
    !review.tokens.every((t) => typeof t === "string")
  ) {
    return `${at} should be { tokens, label, word, negated } like the case's reviews`;
  }
  const tokens = review.tokens as string[];
  const unknown = tokens.find((t) => !lexicon.vocab.includes(t) || t === "<pad>");
  if (unknown !== undefined) return `${at}: "${unknown}" is not a word of the case's vocabulary`;
  if (tokens.length < 6 || tokens.length > SENTIMENT_MAX_LENGTH)
    return `${at} has ${tokens.length} tokens; the case's reviews have 6 to ${SENTIMENT_MAX_LENGTH}`;
  const sentiment = tokens.map((t, i) => [t, i] as const).filter(([t]) => t in lexicon.scores);
  if (sentiment.length !== 1)
    return `${at} should hold exactly one sentiment word (it has ${sentiment.length})`;
  const [word, index] = sentiment[0]!;
  if (review.word !== index) return `${at}: \`word\` should be the index of its sentiment word`;
  if (tokens.filter((t) => t === "not").length !== 1) return `${at} should hold exactly one \`not\``;
  if (tokens[index - 2] !== "not") return `${at}: \`not\` should stand two tokens before the sentiment word`;
  if (!SENTIMENT_FILLERS.includes(tokens[index - 1]!))
    return `${at}: a filler word goes between \`not\` and the word`;
  if (review.negated !== true) return `${at} is negated: \`negated\` should be true`;
  const positive = lexicon.positive.includes(word);
  if (review.label !== (positive ? 0 : 1)) {
    return `${at}: the label is polarity XOR negated (1 = positive review); check the label of "${word}" negated`;
  }
  return null;
}

function farNegation(answer: unknown): Verdict {
  const shape = "{ model, reviews, accuracy }: the trained model, your reviews, and its accuracy on them";
  if (!isRecord(answer) || !Array.isArray(answer.reviews)) {
    return { right: false, hint: `the answer should be ${shape}` };
  }
  const modelProblem = sentimentModelProblem(answer.model, "model");
  if (modelProblem !== null) return { right: false, hint: modelProblem };
  const model = answer.model as PoolingClassifier;
  const { reviews, accuracy } = answer as { reviews: unknown[]; accuracy: unknown };
  if (!isFiniteNumber(accuracy))
    return { right: false, hint: "accuracy should be a isFiniteNumber number (a fraction)" };
  if (reviews.length < 4) return { right: false, hint: "write at least 4 reviews" };
  for (const [k, r] of reviews.entries()) {
    const problem = farNegationProblem(r, k);
    if (problem !== null) return { right: false, hint: problem };
  }
  const lexicon = sentimentLexicon();
  const words = (reviews as SentimentExample[]).map((r) => r.tokens[r.word]!);
  if (!words.some((w) => lexicon.positive.includes(w)) || !words.some((w) => lexicon.negative.includes(w))) {
    return { right: false, hint: "use both positive and negative sentiment words" };
  }
  const measured = accuracyOn(model, reviews as SentimentExample[]);
  if (close(accuracy, measured)) {
    return {
      right: true,
      note: `accuracy ${measured.toFixed(3)} on ${reviews.length} reviews unlike any it was trained on`,
    };
  }
  return { right: false, hint: "accuracy is not what sentimentEvaluate(model, reviews) gives" };
}

/* ---------------------------------------------------------------- 3: seeds 1 … 5 */

/** The seeds exercise 3 asks for. */
const SEEDS = [1, 2, 3, 4, 5];

/** What is off in one seed run `{ config, model, noFfn, accuracy, rationale, noFfnAccuracy }`, or its metrics. */
function seedRunProblem(
  run: unknown,
  k: number,
): string | { seed: number; accuracy: number; rationale: number } {
  const at = `run ${k}`;
  const shape = `${at} should be { config, model, noFfn, accuracy, rationale, noFfnAccuracy }`;
  if (!isRecord(run)) return shape;
  const settings = dataSettings(run.config, `${at}: config`);
  if (typeof settings === "string") return settings;
  const config = run.config as Record<string, unknown>;
  for (const [part, name] of [
    [run.model, "model"],
    [run.noFfn, "noFfn"],
  ] as const) {
    const problem = sentimentModelProblem(part, `${at}: ${name}`);
    if (problem !== null) return problem;
  }
  const model = run.model as PoolingClassifier;
  const noFfn = run.noFfn as PoolingClassifier;
  if ((model.selfAttention !== null) !== (config.numHeads !== 0)) {
    return `${at}: model should be the case's model of its config, sentimentModel(cfg)`;
  }
  if (model.feedForward === null && config.dFF !== 0) {
    return `${at}: model has no FFN; the case's model sentimentModel(cfg) has one (the ablation goes in noFfn)`;
  }
  if (noFfn.feedForward !== null) return `${at}: noFfn still has its FFN: build it with dFF 0`;
  const { accuracy, rationale, noFfnAccuracy } = run;
  if (!isFiniteNumber(accuracy) || !isFiniteNumber(rationale) || !isFiniteNumber(noFfnAccuracy))
    return `${at}: accuracy, rationale and noFfnAccuracy should be isFiniteNumber numbers (fractions)`;
  const measuredOn = (seed: number) => {
    const test = sentimentData({ ...settings, seed }).test;
    return { ...sentimentEvaluate(model, test).metrics, noFfnAccuracy: accuracyOn(noFfn, test) };
  };
  const m = measuredOn(settings.seed);
  if (close(accuracy, m.accuracy) && close(rationale, m.rationale) && close(noFfnAccuracy, m.noFfnAccuracy))
    return { seed: settings.seed, accuracy: m.accuracy, rationale: m.rationale };
  if (close(accuracy, m.rationale) && close(rationale, m.accuracy))
    return `${at}: accuracy and rationale are swapped`;
  if (close(accuracy, m.noFfnAccuracy) && close(noFfnAccuracy, m.accuracy))
    return `${at}: accuracy and noFfnAccuracy are swapped`;
  const other = measuredOn(SENTIMENT_DEFAULTS.seed);
  if (close(accuracy, other.accuracy) && close(rationale, other.rationale)) {
    return `${at}: that was measured on the default seed's held-out reviews: use those of the run's config`;
  }
  const which = !close(accuracy, m.accuracy)
    ? "accuracy"
    : !close(rationale, m.rationale)
      ? "rationale"
      : "noFfnAccuracy";
  return `${at}: ${which} is not what sentimentEvaluate gives on sentimentData(config).test of the run's config`;
}

function seedRuns(answer: unknown): Verdict {
  if (!Array.isArray(answer)) {
    return {
      right: false,
      hint: `seedRuns should be an array of runs, one per seed ${SEEDS.join(", ")}: { config, model, noFfn, accuracy, rationale, noFfnAccuracy }`,
    };
  }
  const results: { seed: number; accuracy: number; rationale: number }[] = [];
  for (const [k, run] of answer.entries()) {
    const r = seedRunProblem(run, k);
    if (typeof r === "string") return { right: false, hint: r };
    results.push(r);
  }
  const seeds = results.map((r) => r.seed);
  const missing = SEEDS.filter((s) => !seeds.includes(s));
  const extra = seeds.filter((s, i) => !SEEDS.includes(s) || seeds.indexOf(s) !== i);
  if (missing.length > 0 || extra.length > 0) {
    return {
      right: false,
      hint: `one run per seed ${SEEDS.join(", ")}${missing.length > 0 ? `; missing: ${missing.join(", ")}` : ""}${extra.length > 0 ? `; not asked for or repeated: ${extra.join(", ")}` : ""}`,
    };
  }
  const spread = (key: "accuracy" | "rationale") =>
    `${Math.min(...results.map((r) => r[key])).toFixed(3)}–${Math.max(...results.map((r) => r[key])).toFixed(3)}`;
  return {
    right: true,
    note: `over seeds ${SEEDS.join(", ")}: accuracy ${spread("accuracy")}, rationale ${spread("rationale")}`,
  };
}

export const SENTIMENT_EXERCISES = defineExercises("cases/04-sentiment-negation", [
  {
    n: 1,
    answer: "noMixing",
    title: "accuracy on plain and on negated held-out reviews of a model without self-attention",
    check: noMixing,
  },
  {
    n: 2,
    answer: "farNot",
    title: "hand-made reviews with `not` two tokens before the word, and the model's accuracy on them",
    check: farNegation,
  },
  {
    n: 3,
    answer: "seedRuns",
    title: "accuracy and rationale of the case's model, and the ablation's accuracy, for seeds 1 … 5",
    check: seedRuns,
  },
]);
