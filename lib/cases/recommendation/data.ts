/**
 * Click histories for DIN-style target attention (`datasets/recommendation/README.md`). A catalogue of
 * `categories × itemsPerCategory` items (item id = category · itemsPerCategory + k). Each user has `interests`
 * distinct interest categories and a history of `historyLength` items drawn uniformly from them (oldest first).
 * The candidate is a positive when its category is among the categories of the **last `recent`** history items;
 * negatives are a category the user clicked only earlier ("earlier") or a category outside the user's interests
 * ("other"). Mean pooling of the history cannot tell "recent" from "earlier" — both categories are in the
 * history — so it tops out near AUC 0.7; attention that looks at the candidate and the position can.
 * `generateClicks` draws a set; `recommendationData(config)` draws the case's train and test sets, and
 * `recommendationBatch` turns examples into the tensors `fit` trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, opt } from "../../check/options.js";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { drawSplits, type SplitSizes } from "../../random/drawSplits.js";
import { mulberry32 } from "../../random/prng.js";
import { take } from "../../train/batches.js";

/** Settings of {@link generateClicks}. */
export interface ClicksOptions {
  seed: number;
  /** Number of (user, candidate) examples. */
  size: number;
  /** Default 24. */
  categories?: number;
  /** Default 4. */
  itemsPerCategory?: number;
  /** Interest categories per user. Default 6. */
  interests?: number;
  /** Clicked items per user, oldest first. Default 20. */
  historyLength?: number;
  /** How many of the latest clicks decide a positive. Default 3. */
  recent?: number;
}

/** Why an example has its label. */
export type RecommendationKind = "recent" | "earlier" | "other";

/** Examples: history item ids and categories `[n][T]`, the candidate's item and category `[n]`, labels `[n]`. */
export interface ClickSet {
  history: number[][];
  historyCategory: number[][];
  candidate: number[];
  candidateCategory: number[];
  /** 1 = the candidate's category is among the last `recent` clicks. */
  label: number[];
  kind: RecommendationKind[];
  items: number;
  categories: number;
  recent: number;
}

/** The generator's defaults: the catalogue, interests and history that the case's model is built for. */
export const CLICKS_DEFAULTS = {
  categories: 24,
  itemsPerCategory: 4,
  interests: 6,
  historyLength: 20,
  recent: 3,
} as const;

const CLICKS_SPEC = {
  seed: opt.integer({ min: 0, max: 2 ** 32 - 1, required: true }),
  size: opt.integer({ min: 0, required: true }),
  categories: opt.integer({ min: 3 }),
  itemsPerCategory: opt.integer({ min: 1 }),
  interests: opt.integer({ min: 2 }),
  historyLength: opt.integer({ min: 2 }),
  recent: opt.integer({ min: 1 }),
};

/**
 * Generates `size` examples, one user each.
 * @example
 * const d = generateClicks({ seed: 0, size: 4 });
 * [d.history[0].length, d.items, d.label.length]; // [20, 96, 4]
 */
export function generateClicks(opts: ClicksOptions): ClickSet {
  checkOptions("generateClicks", opts, CLICKS_SPEC);
  const categories: number = opts.categories ?? CLICKS_DEFAULTS.categories;
  const perCategory: number = opts.itemsPerCategory ?? CLICKS_DEFAULTS.itemsPerCategory;
  const interests: number = opts.interests ?? CLICKS_DEFAULTS.interests;
  const length: number = opts.historyLength ?? CLICKS_DEFAULTS.historyLength;
  const recent: number = opts.recent ?? CLICKS_DEFAULTS.recent;
  if (!(interests >= 2 && interests < categories))
    throw new RangeError(`generateClicks: interests ${interests} must be in 2…categories − 1`);
  if (!(recent >= 1 && recent < length))
    throw new RangeError(`generateClicks: recent ${recent} must be in 1…historyLength − 1`);
  const rng = mulberry32(opts.seed);
  const all = Array.from({ length: categories }, (_, c) => c);
  const item = (category: number) => category * perCategory + rng.int(0, perCategory - 1);
  const out: ClickSet = {
    history: [],
    historyCategory: [],
    candidate: [],
    candidateCategory: [],
    label: [],
    kind: [],
    items: categories * perCategory,
    categories,
    recent,
  };
  for (let n = 0; n < opts.size; n++) {
    const liked = rng.shuffle(all).slice(0, interests);
    const cats = Array.from({ length }, () => rng.pick(liked));
    const latest = new Set(cats.slice(-recent));
    const earlier = [...new Set(cats)].filter((c) => !latest.has(c));
    const others = all.filter((c) => !liked.includes(c));
    let kind: RecommendationKind;
    let category: number;
    const u = rng.next(); // half positives; the negatives are half "earlier", half "other"
    if (u < 0.5) {
      kind = "recent";
      category = rng.pick([...latest]);
    } else if (u < 0.75 && earlier.length > 0) {
      kind = "earlier";
      category = rng.pick(earlier);
    } else {
      kind = "other";
      category = rng.pick(others);
    }
    out.history.push(cats.map(item));
    out.historyCategory.push(cats);
    out.candidate.push(item(category));
    out.candidateCategory.push(category);
    out.label.push(kind === "recent" ? 1 : 0);
    out.kind.push(kind);
  }
  return out;
}

/** The case's data: train and test users drawn from the case seed, and the descriptor its record stores. */
export interface RecommendationData {
  train: ClickSet;
  test: ClickSet;
  dataset: DatasetInfo;
}

/**
 * The train and test users of a recommendation config (`trainSize`, `testSize`, each split seeded by
 * `childSeed(seed, "data/…")`; the generator's other settings at their defaults).
 */
export function recommendationData(config: SplitSizes): RecommendationData {
  const { train, test } = drawSplits(config, (seed, size) => generateClicks({ seed, size }));
  return { train, test, dataset: datasetInfo("recommendation", { train, test }, (set) => set.label.length) };
}

/** The model's inputs for a batch: `[history, historyCategory]` `[B, T]` and `[candidate, candidateCategory]` `[B]`. */
export type RecommendationInputs = [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];

/** One batch of `set` at `indices`: the inputs `x` (int32) and the labels `y [B]` (float32, 0 or 1). */
export function recommendationBatch(
  set: ClickSet,
  indices: readonly number[],
): { x: RecommendationInputs; y: tf.Tensor1D } {
  return {
    x: [
      tf.tensor2d(take(set.history, indices), undefined, "int32"),
      tf.tensor2d(take(set.historyCategory, indices), undefined, "int32"),
      tf.tensor1d(take(set.candidate, indices), "int32"),
      tf.tensor1d(take(set.candidateCategory, indices), "int32"),
    ],
    y: tf.tensor1d(take(set.label, indices)),
  };
}
