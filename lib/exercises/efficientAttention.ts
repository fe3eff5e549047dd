/**
 * The exercises of notebooks/15-efficient-attention.ipynb. Every right answer is computed here from the library
 * (`slidingWindowPairs`, `linearAttend`), never typed in; a hint says what is off without giving the answer.
 * Follows: Beltagy et al. 2020 §3.1 (sliding window with global tokens); Katharopoulos et al. 2020 eq. 4–6 and
 * 9–12 (linear attention, φ = elu + 1, causal by prefix sums).
 */
import { attend } from "../math/attend.js";
import { linearAttend } from "../math/linearAttend.js";
import type { Matrix } from "../math/matrix.js";
import { slidingWindowPairs } from "../math/slidingWindow.js";
import { isRecord } from "./answerGuards.js";
import { defineExercises, type Verdict } from "./exercise.js";
import { asFiniteNumber, asNumberMatrix } from "./matrixAnswer.js";

/** Exercise 1's pattern: 12 tokens, 2 neighbours on each side, the first and last tokens global. */
export const PAIRS_SETTING = { length: 12, window: 2, globalTokens: [0, 11] } as const;

/** Exercise 2's keys and values (width 2, three keys): some entries negative, so φ matters. */
export const SUMMARY_KEYS: Matrix = [
  [1, -1],
  [0, 2],
  [-0.5, 0.5],
];
export const SUMMARY_VALUES: Matrix = [
  [1, 0],
  [2, -1],
  [0, 3],
];

/** Exercise 3's causal linear attention (three queries and keys of width 2, values of width 2). */
export const CAUSAL_QUERIES: Matrix = [
  [0.5, -1],
  [1, 0],
  [-1, 2],
];
export const CAUSAL_KEYS: Matrix = [
  [1, 0],
  [-1, 1],
  [0, -2],
];
export const CAUSAL_VALUES: Matrix = [
  [1, 2],
  [3, -1],
  [0, 1],
];

const near = (a: Matrix, b: Matrix, tol = 1e-6) =>
  a.length === b.length &&
  a.every(
    (r, i) =>
      r.length === b[i]!.length &&
      r.every((x, j) => Math.abs(x - b[i]![j]!) <= tol * Math.max(1, Math.abs(b[i]![j]!))),
  );

function pairsKept(answer: unknown): Verdict {
  const x = asFiniteNumber(answer, "one number: the (query, key) pairs the mask keeps");
  if (typeof x === "string") return { right: false, hint: x };
  const { length: n, window: w, globalTokens } = PAIRS_SETTING;
  const right = slidingWindowPairs(n, { window: w, globalTokens: [...globalTokens] }).pairs;
  if (x === right)
    return {
      right: true,
      note: `against ${n * n} for full attention; for a fixed window it grows like n, not n²`,
    };
  const band = slidingWindowPairs(n, { window: w }).pairs;
  const g = globalTokens.length;
  const slips: [number, string][] = [
    [
      n * (2 * w + 1),
      "the band is cut at both ends: the first and last tokens have fewer than 2w + 1 neighbours",
    ],
    [
      band,
      "the global tokens attend to every key and every query attends to them: add their rows and columns",
    ],
    [
      band + 2 * g * n,
      "a global row and a global column overlap the band and each other: count each pair once",
    ],
    [n * (2 * w + 1) + 2 * g * n, "count each pair once, and the band is shorter at the ends"],
    [n * n, "that is full attention: keep only the band and the global rows and columns"],
  ];
  const slip = slips.find(([v]) => v === x);
  return {
    right: false,
    hint:
      slip?.[1] ??
      "count row by row: a global row keeps every key; another row its band plus the global keys outside it",
  };
}

function summaries(answer: unknown): Verdict {
  if (!isRecord(answer))
    return { right: false, hint: "the answer is { kv, z }: kv a [2, 2] matrix, z an array of 2 numbers" };
  const kv = asNumberMatrix(answer.kv, 2, 2, "kv = φ(K)ᵀV, a [2, 2] matrix,");
  if (typeof kv === "string") return { right: false, hint: kv };
  const z = asNumberMatrix([answer.z], 1, 2, "z = φ(K)ᵀ1, an array of 2 numbers,");
  if (typeof z === "string")
    return { right: false, hint: "z = φ(K)ᵀ1 should be an array of 2 finite numbers" };
  const t = linearAttend([[0, 0]], SUMMARY_KEYS, SUMMARY_VALUES);
  const kvRight = near(kv, t.kv);
  const zRight = near(z, [t.z]);
  if (kvRight && zRight)
    return { right: true, note: "[d, d_v] and [d]: their size does not depend on how many keys were summed" };
  const rawKv = SUMMARY_KEYS[0]!.map((_, a) =>
    SUMMARY_VALUES[0]!.map((_, c) => SUMMARY_KEYS.reduce((s, k, j) => s + k[a]! * SUMMARY_VALUES[j]![c]!, 0)),
  );
  const expKv = SUMMARY_KEYS[0]!.map((_, a) =>
    SUMMARY_VALUES[0]!.map((_, c) =>
      SUMMARY_KEYS.reduce((s, k, j) => s + Math.exp(k[a]!) * SUMMARY_VALUES[j]![c]!, 0),
    ),
  );
  const transposed = t.kv[0]!.map((_, c) => t.kv.map((r) => r[c]!));
  const eluKv = SUMMARY_KEYS[0]!.map((_, a) =>
    SUMMARY_VALUES[0]!.map((_, c) =>
      SUMMARY_KEYS.reduce(
        (s, k, j) => s + (k[a]! > 0 ? k[a]! : Math.exp(k[a]!) - 1) * SUMMARY_VALUES[j]![c]!,
        0,
      ),
    ),
  );
  if (!kvRight) {
    const slips: [Matrix, string][] = [
      [rawKv, "apply the feature map first: φ(K) = elu(K) + 1, entry by entry, then φ(K)ᵀV"],
      [eluKv, "φ is elu(x) + 1: the + 1 keeps every feature positive"],
      [expKv, "φ(x) = elu(x) + 1 is x + 1 for x > 0 and e^x only for x ≤ 0"],
      [
        transposed,
        "kv = φ(K)ᵀV has one row per feature of φ(k) and one column per value entry: row a, column c is Σ_j φ(k_j)_a v_jc",
      ],
    ];
    const slip = slips.find(([m]) => near(kv, m));
    return {
      right: false,
      hint: slip?.[1] ?? "kv = Σ_j φ(k_j) v_jᵀ, the sum over the keys of the outer products",
    };
  }
  return { right: false, hint: "z = Σ_j φ(k_j): the sum of the rows of φ(K), not of K" };
}

function causalOutput(answer: unknown): Verdict {
  const m = asNumberMatrix(answer, 3, 2, "the output, a [3, 2] matrix,");
  if (typeof m === "string") return { right: false, hint: m };
  const [q, k, v] = [CAUSAL_QUERIES, CAUSAL_KEYS, CAUSAL_VALUES];
  const right = linearAttend(q, k, v, { causal: true });
  if (near(m, right.output))
    return { right: true, note: "each row used only S_i and z_i: what a decoder carries from step to step" };
  const unnormalised = right.numerator;
  const slips: [Matrix, string][] = [
    [linearAttend(q, k, v).output, "causal: query i may use keys j ≤ i only, so its sums stop at key i"],
    [
      attend(q, k, v, { score: "dot", mask: { causal: true } }).output,
      "that is softmax attention: weigh key j by φ(q_i)·φ(k_j), not e^{q_i·k_j}",
    ],
    [unnormalised, "divide row i by its normaliser φ(q_i)·z_i"],
  ];
  const slip = slips.find(([s]) => near(m, s));
  return {
    right: false,
    hint: slip?.[1] ?? "S_i = Σ_{j ≤ i} φ(k_j) v_jᵀ, z_i = Σ_{j ≤ i} φ(k_j), O_i = φ(q_i)ᵀS_i / φ(q_i)·z_i",
  };
}

export const EFFICIENT_ATTENTION_EXERCISES = defineExercises("15-efficient-attention", [
  {
    n: 1,
    answer: "pairsKept",
    title: "the (query, key) pairs a sliding window with global tokens keeps",
    check: pairsKept,
  },
  {
    n: 2,
    answer: "summaries",
    title: "the key/value summary φ(K)ᵀV and the normaliser z of linear attention",
    check: summaries,
  },
  { n: 3, answer: "causalOutput", title: "causal linear attention by prefix sums", check: causalOutput },
]);
