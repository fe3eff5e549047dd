/**
 * Click histories for DIN-style target attention (catalog C14). A catalogue of `categories × itemsPerCategory`
 * items (item id = category · itemsPerCategory + k). Each user has `interests` distinct interest categories and a
 * history of `historyLength` items drawn uniformly from them (oldest first). The candidate is a positive when
 * its category is among the categories of the **last `recent`** history items; negatives are, half and half, a
 * category the user clicked only earlier ("earlier") or a category outside the user's interests ("other").
 * Mean pooling of the history cannot tell "recent" from "earlier" — both categories are in the history — so it
 * tops out near AUC 0.7; attention that looks at the candidate and the position can.
 */
import { mulberry32 } from "../../random/prng.js";

/** Settings of the generator. */
export interface RecommendationDataOptions {
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
export interface RecommendationData {
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

/**
 * Generates `size` examples, one user each.
 * @example
 * const d = recommendationData({ seed: 0, size: 4 });
 * [d.history[0].length, d.items, d.label.length]; // [20, 96, 4]
 */
export function recommendationData(opts: RecommendationDataOptions): RecommendationData {
  const categories = opts.categories ?? 24;
  const perCategory = opts.itemsPerCategory ?? 4;
  const interests = opts.interests ?? 6;
  const length = opts.historyLength ?? 20;
  const recent = opts.recent ?? 3;
  if (!(interests >= 2 && interests < categories))
    throw new RangeError(`recommendationData: interests ${interests} must be in 2…categories − 1`);
  if (!(recent >= 1 && recent < length))
    throw new RangeError(`recommendationData: recent ${recent} must be in 1…historyLength − 1`);
  const rng = mulberry32(opts.seed);
  const all = Array.from({ length: categories }, (_, c) => c);
  const item = (category: number) => category * perCategory + rng.int(0, perCategory - 1);
  const out: RecommendationData = {
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
