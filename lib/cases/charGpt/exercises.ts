/**
 * The exercises of notebooks/10-char-gpt.ipynb. Every right answer is computed here from the library and the
 * case's own data, never typed in; a hint says what is off without giving the answer.
 * 1 recomputes the add-one bigram's validation bits/char of the learner's corpus with `bigramBaseline`, 2 tries
 * the learner's `nucleus(probs, p)` against `topPFilter` on inputs of the check's own, 3 re-scores the learner's
 * 8-character-context model on the learner's windows with `charGptBitsPerChar`, after checking that the windows
 * are the case's fixed validation windows and that the model was trained.
 */
import * as tf from "@tensorflow/tfjs";
import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { topPFilter } from "../../math/sampling.js";
import { softmax } from "../../math/softmax.js";
import { bigramBaseline, unigramBaseline } from "../../metrics/charBaselines.js";
import { Gpt } from "../../models/gpt.js";
import { mulberry32 } from "../../random/prng.js";
import { sameWeights } from "../../train/variables.js";
import {
  CHAR_CORPORA,
  type CharCorpusName,
  type CharGptData,
  type CharWindows,
  charGptData,
} from "./data.js";
import { charGptBitsPerChar, charGptEvalWindows } from "./experiment.js";

/** Each corpus's data, loaded once per process (Moby-Dick takes about a second). */
const loaded = new Map<CharCorpusName, CharGptData>();
function dataOf(corpus: CharCorpusName): CharGptData {
  let d = loaded.get(corpus);
  if (d === undefined) {
    d = charGptData({ corpus });
    loaded.set(corpus, d);
  }
  return d;
}

const isCorpus = (v: unknown): v is CharCorpusName => CHAR_CORPORA.includes(v as CharCorpusName);
const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

// ── 1. the add-one bigram, counted by hand ───────────────────────────────────────────────────────────────────

function bigramBits(answer: unknown): Verdict {
  const what = `the answer is an object { corpus, bitsPerChar }: the corpus (${CHAR_CORPORA.map((c) => JSON.stringify(c)).join(" or ")}) and the add-one bigram's bits/char on its validation text`;
  if (!isRecord(answer)) return { right: false, hint: what };
  const { corpus, bitsPerChar } = answer;
  if (!isCorpus(corpus)) return { right: false, hint: `\`corpus\` should be config.corpus; ${what}` };
  if (!isFiniteNumber(bitsPerChar)) {
    return { right: false, hint: "`bitsPerChar` should be a finite number of bits per character" };
  }
  const d = dataOf(corpus);
  const V = d.vocab.chars.length;
  const right = bigramBaseline(d.train, d.valid, V, { smoothing: "addOne" }).bitsPerChar;
  const tol = 1e-4;
  if (near(bitsPerChar, right, tol)) {
    const wb = bigramBaseline(d.train, d.valid, V).bitsPerChar;
    return {
      right: true,
      note: `add-one ${right.toFixed(4)} bits/char against Witten–Bell's ${wb.toFixed(4)} on the same ${d.valid.length - 1} validation targets`,
    };
  }
  if (near(bitsPerChar, right * Math.LN2, tol)) {
    return { right: false, hint: "that is in nats (natural logarithms): bits are log₂, divide by ln 2" };
  }
  if (near(bitsPerChar, bigramBaseline(d.train, d.valid, V).bitsPerChar, tol)) {
    return {
      right: false,
      hint: "that is the notebook's Witten–Bell bigram; the exercise asks for add-one smoothing, (n_ab + 1) / (n_a + V)",
    };
  }
  if (near(bitsPerChar, unigramBaseline(d.train, d.valid, V).bitsPerChar, tol)) {
    return {
      right: false,
      hint: "that is the unigram's score: the bigram's probability depends on the previous character",
    };
  }
  if (near(bitsPerChar, bigramBaseline(d.valid, d.valid, V, { smoothing: "addOne" }).bitsPerChar, tol)) {
    return {
      right: false,
      hint: "those counts come from the validation text: count the pairs on the training text only",
    };
  }
  if (near(bitsPerChar, bigramBaseline(d.train, d.train, V, { smoothing: "addOne" }).bitsPerChar, tol)) {
    return {
      right: false,
      hint: "that scores the training text: score the validation text (data.valid)",
    };
  }
  return {
    right: false,
    hint: `that is not the add-one bigram's bits/char on data.valid: check the pair counts (training text), n_a (pairs starting with a), V = ${V}, and that every validation character after the first is scored`,
  };
}

// ── 2. the nucleus filter ────────────────────────────────────────────────────────────────────────────────────

/** Inputs of the check's own: boundary masses, a most probable token that is not the first id, p = 1. */
function nucleusCases(): { probs: number[]; p: number }[] {
  const rng = mulberry32(7);
  const wide = softmax(Array.from({ length: 20 }, () => 3 * rng.normal()));
  return [
    { probs: [0.5, 0.3, 0.2], p: 0.8 },
    { probs: [0.1, 0.6, 0.3], p: 0.5 },
    { probs: [0.1, 0.6, 0.3], p: 0.65 },
    { probs: [0.05, 0.2, 0.4, 0.25, 0.1], p: 0.9 },
    { probs: [0.9, 0.06, 0.04], p: 0.3 },
    { probs: [0.7, 0.2, 0.1], p: 1 },
    { probs: wide, p: 0.9 },
  ];
}

const keptIds = (q: readonly number[]) => q.flatMap((x, i) => (x > 0 ? [i] : []));
const sameIds = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** What is off in `fn` on one input (a hint), or undefined when it matches topPFilter. */
function nucleusHint(
  fn: (probs: number[], p: number) => unknown,
  probs: number[],
  p: number,
): string | undefined {
  const given = probs.slice();
  const shown = `probs of ${probs.length} tokens, p = ${p}`;
  let out: unknown;
  try {
    out = fn(given, p);
  } catch (error) {
    return `nucleus threw on ${shown}: ${(error as Error)?.message ?? String(error)}`;
  }
  if (given.length !== probs.length || given.some((x, i) => x !== probs[i])) {
    return "nucleus changed the probs it was given (Array.prototype.sort works in place): sort a copy, or sort the ids";
  }
  if (!Array.isArray(out) || out.length !== probs.length || !out.every((x) => isFiniteNumber(x))) {
    return `nucleus should return an array of ${probs.length} numbers for ${shown}: one probability per token id, 0 for the tokens it drops`;
  }
  const right = topPFilter(probs, p);
  if (out.every((x, i) => near(x, right[i]!, 1e-9))) return undefined;
  const [mine, theirs] = [keptIds(out), keptIds(right)];
  if (sameIds(mine, theirs)) {
    const kept = theirs.reduce((s, i) => s + probs[i]!, 0);
    if (mine.every((i) => near(out[i] as number, probs[i]!, 1e-9)) && kept < 1) {
      return `keeps the right tokens for ${shown} but does not renormalise: divide the kept probabilities by their mass`;
    }
    return `keeps the right tokens for ${shown}, but their probabilities are off: each is p_i / (the kept mass)`;
  }
  const sortedRight = [...right].sort((a, b) => b - a);
  if (out.every((x, i) => near(x, sortedRight[i]!, 1e-9))) {
    return `returns the probabilities in sorted order for ${shown}: put each back at its token id`;
  }
  if (mine.length === theirs.length + 1) {
    return `keeps one token too many for ${shown}: the nucleus is the smallest set of most probable tokens whose mass is ≥ p (stop as soon as it reaches p)`;
  }
  if (mine.length + 1 === theirs.length) {
    return `keeps one token too few for ${shown}: the kept mass must reach p, so the token that crosses p is kept too`;
  }
  if (mine.length === theirs.length) {
    return `keeps ${mine.length} tokens for ${shown}, as it should, but not the most probable ones`;
  }
  return `keeps ${mine.length} tokens for ${shown}; the nucleus keeps the most probable tokens until their mass reaches p`;
}

function nucleus(answer: unknown): Verdict {
  if (typeof answer !== "function") {
    return {
      right: false,
      hint: "the answer is a function nucleus(probs, p) that returns the filtered, renormalised probabilities",
    };
  }
  for (const { probs, p } of nucleusCases()) {
    const hint = nucleusHint(answer as (probs: number[], p: number) => unknown, probs, p);
    if (hint !== undefined) return { right: false, hint };
  }
  return { right: true, note: "equal to topPFilter on 7 distributions of the check's own (1e-9)" };
}

// ── 3. eight characters of context ───────────────────────────────────────────────────────────────────────────

const SHORT_BLOCK = 8;

/** Windows `{ starts, inputs, targets }` of T tokens each, or undefined. */
function asWindows(v: unknown): CharWindows | undefined {
  if (!isRecord(v)) return undefined;
  const { starts, inputs, targets } = v;
  const rows = (m: unknown): m is number[][] =>
    Array.isArray(m) &&
    m.length > 0 &&
    m.every((r) => Array.isArray(r) && r.every((x) => Number.isInteger(x)));
  if (!Array.isArray(starts) || !rows(inputs) || !rows(targets)) return undefined;
  if (inputs.length !== starts.length || targets.length !== starts.length) return undefined;
  return { starts: starts as number[], inputs, targets };
}

const sameRows = (a: number[][], b: number[][]) => JSON.stringify(a) === JSON.stringify(b);

/** Whether the model still has the initial weights of its config (built again from the same seed). */
function untrained(model: Gpt): boolean {
  const fresh = new Gpt({ ...model.config }).ensureBuilt();
  try {
    return sameWeights(model, fresh);
  } finally {
    fresh.dispose();
  }
}

function shortContext(answer: unknown): Verdict {
  const what =
    "the answer is an object { model, windows, bitsPerChar }: the trained blockSize-8 Gpt, the validation windows it was scored on, and its bits/char";
  if (!isRecord(answer)) return { right: false, hint: what };
  const { model, windows, bitsPerChar } = answer;
  if (!(model instanceof Gpt)) return { right: false, hint: `\`model\` should be a Gpt; ${what}` };
  if (model.config.blockSize !== SHORT_BLOCK) {
    return {
      right: false,
      hint: `the model reads ${model.config.blockSize} characters of context; build and train it with blockSize: ${SHORT_BLOCK}`,
    };
  }
  const w = asWindows(windows);
  if (w === undefined) {
    return {
      right: false,
      hint: "`windows` should be the windows { starts, inputs, targets } you scored (charGptEvalWindows)",
    };
  }
  if (w.inputs.some((r) => r.length !== SHORT_BLOCK) || w.targets.some((r) => r.length !== SHORT_BLOCK)) {
    return {
      right: false,
      hint: `the windows should hold ${SHORT_BLOCK} characters each, the model's context`,
    };
  }
  const corpus = CHAR_CORPORA.find((c) => dataOf(c).vocab.chars.length === model.config.vocabSize);
  if (corpus === undefined) {
    return {
      right: false,
      hint: "the model's vocabulary size is that of neither corpus: build it with vocabSize: data.vocab.chars.length",
    };
  }
  const fixed = charGptEvalWindows(dataOf(corpus).valid, {
    blockSize: SHORT_BLOCK,
    evalWindows: w.starts.length,
  });
  if (!sameRows(w.inputs, fixed.inputs) || !sameRows(w.targets, fixed.targets)) {
    return {
      right: false,
      hint: `score the case's fixed validation windows: charGptEvalWindows(data.valid, { ...config, blockSize: ${SHORT_BLOCK} })`,
    };
  }
  if (untrained(model)) {
    return {
      right: false,
      hint: "the model still has its initial weights: train it (as in the training cell) before scoring it",
    };
  }
  if (!isFiniteNumber(bitsPerChar)) {
    return {
      right: false,
      hint: "`bitsPerChar` should be a finite number: the model's bits/char on `windows`",
    };
  }
  const before = tf.memory().numTensors;
  const bits = charGptBitsPerChar(model, w, 16);
  if (tf.memory().numTensors !== before) throw new Error("charGptBitsPerChar left tensors behind");
  if (near(bitsPerChar, bits, 1e-4)) {
    const d = dataOf(corpus);
    const bigram = bigramBaseline(d.train, d.valid, d.vocab.chars.length).bitsPerChar;
    return {
      right: true,
      note: `${bits.toFixed(3)} bits/char with ${SHORT_BLOCK} characters of context on ${w.starts.length} ${corpus} windows; the bigram (one character) scores ${bigram.toFixed(3)}`,
    };
  }
  if (near(bitsPerChar, bits * Math.LN2, 1e-4)) {
    return {
      right: false,
      hint: "that is in nats (nextTokenLoss's unit): divide by ln 2, or use charGptBitsPerChar",
    };
  }
  return {
    right: false,
    hint: "`bitsPerChar` is not what charGptBitsPerChar(model, windows, …) gives for this model on these windows",
  };
}

/** The three checked exercises of notebooks/10-char-gpt.ipynb, ids `10-char-gpt.1` … `.3`. */
export const CHAR_GPT_EXERCISES = defineExercises("10-char-gpt", [
  {
    n: 1,
    answer: "bigramBits",
    title: "the add-one bigram's validation bits/char, counted from the training pairs",
    check: bigramBits,
  },
  {
    n: 2,
    answer: "nucleus",
    title: "nucleus(probs, p): the top-p filter, renormalised",
    check: nucleus,
  },
  {
    n: 3,
    answer: "shortContext",
    title: "the validation bits/char of a GPT trained with 8 characters of context",
    check: shortContext,
  },
]);
