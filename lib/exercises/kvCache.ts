/**
 * The exercises of notebooks/13-kv-cache.ipynb. Every right answer is computed here from the library
 * (`causalMask`, `cachedAttend`, `kvCacheSize`), never typed in; a hint says what is off without giving the
 * answer. Follows: Vaswani et al. 2017 §3.2.3 (causal self-attention); Pope et al. 2022 §2 (the KV cache).
 */
import { attend } from "../math/attend.js";
import { cachedAttend, kvCacheAppend, emptyKvCache, kvCacheSize } from "../math/kvCache.js";
import { causalMask } from "../math/mask.js";
import type { Matrix } from "../math/matrix.js";
import { isFiniteNumber } from "./answerGuards.js";
import { defineExercises, type Verdict } from "./exercise.js";

/** Exercise 1: T new queries after S − T cached positions. */
export const OFFSET_SHAPE = { queries: 2, keys: 5 } as const;

/** Exercise 2's cache (three positions), and the new position's query, key and value (d = 2). */
export const STEP_CACHE_KEYS: Matrix = [
  [1, 0],
  [0, 1],
  [1, 1],
];
export const STEP_CACHE_VALUES: Matrix = [
  [1, 0],
  [0, 2],
  [-1, 1],
];
export const STEP_QUERY = [2, 1] as const;
export const STEP_KEY = [1, -1] as const;
export const STEP_VALUE = [3, 3] as const;

/** Exercise 3's model: GPT-2 medium's sizes (24 layers, width 1024 = 16 heads × 64), a full context, batch 8, float32. */
export const SIZE_MODEL = { numLayers: 24, numHeads: 16, headSize: 64, length: 1024, batch: 8 } as const;

const close = (a: readonly number[], b: readonly number[], tol = 1e-9) =>
  a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)));

/** A `[rows, cols]` mask of booleans (or 0/1), or why not. */
function asMask(answer: unknown, rows: number, cols: number): boolean[][] | string {
  const what = `a [${rows}, ${cols}] mask: ${rows} rows of ${cols} booleans (true = may attend)`;
  if (!Array.isArray(answer) || answer.length !== rows) return `the answer should be ${what}`;
  const out: boolean[][] = [];
  for (const row of answer) {
    if (!Array.isArray(row) || row.length !== cols) return `the answer should be ${what}`;
    if (!row.every((v) => typeof v === "boolean" || v === 0 || v === 1))
      return `the answer should be ${what}`;
    out.push(row.map((v) => v === true || v === 1));
  }
  return out;
}

function offsetMask(answer: unknown): Verdict {
  const { queries: t, keys: s } = OFFSET_SHAPE;
  const mask = asMask(answer, t, s);
  if (typeof mask === "string") return { right: false, hint: mask };
  const same = (offset: number) => JSON.stringify(mask) === JSON.stringify(causalMask(t, s, offset));
  if (same(s - t))
    return { right: true, note: "bottom-right: the last new query sees every key, the first all but one" };
  if (same(0))
    return {
      right: false,
      hint: "that is the top-left mask: it treats the first new query as position 0, hiding cached keys it has every right to see",
    };
  if (mask.every((row) => row.every(Boolean)))
    return {
      right: false,
      hint: "with two new queries the first must not see the second's key (it is its future)",
    };
  if (same(s - t - 1) || same(s - t + 1))
    return {
      right: false,
      hint: "off by one: new query i stands at key position (number cached) + i and sees keys up to and including its own",
    };
  return {
    right: false,
    hint: "row i should be true for keys j ≤ i + (keys cached before the new queries) and false after",
  };
}

function stepOutput(answer: unknown): Verdict {
  const width = STEP_VALUE.length;
  if (!Array.isArray(answer) || answer.length !== width || !answer.every(isFiniteNumber))
    return { right: false, hint: `the answer is the output row: an array of ${width} finite numbers` };
  const cache = { keys: STEP_CACHE_KEYS, values: STEP_CACHE_VALUES };
  const q = [[...STEP_QUERY]];
  const step = cachedAttend(cache, q, [[...STEP_KEY]], [[...STEP_VALUE]]);
  const right = step.trace.output[0]!;
  if (close(answer, right))
    return { right: true, note: "one query row against four cached rows: the prefix was never recomputed" };
  const grown = kvCacheAppend(
    emptyKvCache(),
    [...STEP_CACHE_KEYS, [...STEP_KEY]],
    [...STEP_CACHE_VALUES, [...STEP_VALUE]],
  );
  const slips: [number[], string][] = [
    [
      attend(q, STEP_CACHE_KEYS, STEP_CACHE_VALUES).output[0]!,
      "the new position's own key and value join the cache before the query attends",
    ],
    [
      attend(q, grown.keys, grown.values, { score: "dot" }).output[0]!,
      "scaled dot-product attention divides the scores by √d",
    ],
    [
      attend(q, grown.keys, grown.values, { mask: { causal: true } }).output[0]!,
      "that is the top-left causal mask: the new query is position 3, not 0, and sees all four keys",
    ],
  ];
  const slip = slips.find(([s]) => close(answer, s));
  return {
    right: false,
    hint: slip?.[1] ?? "append the new key and value, then softmax(q Kᵀ/√d) V over all four rows",
  };
}

function cacheBytes(answer: unknown): Verdict {
  if (!isFiniteNumber(answer)) return { right: false, hint: "the answer is a number of bytes" };
  const right = kvCacheSize(SIZE_MODEL).bytes;
  if (Math.abs(answer - right) <= 1e-9 * right)
    return {
      right: true,
      note: "linear in the context and the batch: long contexts are memory-bound, not compute-bound",
    };
  const slips: [number, string][] = [
    [right / 2, "keys and values are both cached"],
    [right / SIZE_MODEL.numLayers, "every layer caches its own keys and values"],
    [right / 4, "that counts numbers; a float32 takes 4 bytes"],
    [right / SIZE_MODEL.batch, "each sequence of the batch has its own cache"],
    [
      right / SIZE_MODEL.numHeads,
      "each head has its own keys and values (N·H numbers per position and layer)",
    ],
  ];
  const slip = slips.find(([s]) => Math.abs(answer - s) <= 1e-9 * s);
  return {
    right: false,
    hint: slip?.[1] ?? "count the tensors, their shape [B, N, S, H] and the bytes per number",
  };
}

/** The key/value cache exercises, in notebook order. */
export const KV_CACHE_EXERCISES = defineExercises("13-kv-cache", [
  {
    n: 1,
    answer: "offsetMask",
    title: "the causal mask of 2 new queries after 3 cached positions (bottom-right alignment)",
    check: offsetMask,
  },
  {
    n: 2,
    answer: "stepOutput",
    title: "one cached decoding step: append the new key and value, attend the new query",
    check: stepOutput,
  },
  {
    n: 3,
    answer: "cacheBytes",
    title: "the bytes of GPT-2 medium's key/value cache for a batch of full contexts",
    check: cacheBytes,
  },
]);
