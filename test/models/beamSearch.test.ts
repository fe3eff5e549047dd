/**
 * Beam search's stopping rule on a toy language model whose next-token probabilities are a fixed table of the
 * prefix (the source is ignored), so every hypothesis's log-probability is known in closed form. The search
 * must not stop when k hypotheses have ended while a growing one can still beat them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { beamSearch, type DecodableModel, greedyDecode } from "../../lib/models/decoding.js";

const [BOS, EOS, A, B] = [1, 2, 3, 4];
const V = 5;
/** P(next | prefix after <s>), prefixes written as token strings; unlisted prefixes end at once. */
const TABLE: Record<string, Record<number, number>> = {
  "": { [EOS]: 0.5, [A]: 0.3, [B]: 0.2 },
  "3": { [EOS]: 0.1, [A]: 0.9 },
  "4": { [EOS]: 0.99, [A]: 0.01 },
  "3 3": { [EOS]: 0.95, [B]: 0.05 },
};
const probs = (prefix: number[]) => TABLE[prefix.join(" ")] ?? { [EOS]: 1 };

/** A `DecodableModel` whose logits at the last position are log P(next | prefix) from {@link TABLE}. */
const toy: DecodableModel<tf.Tensor> = {
  config: { tgtVocab: V, maxLength: 8 },
  encode: () => ({ memory: tf.zeros([1, 1, 1]) }),
  decode(tgtIn) {
    const rows = tgtIn.arraySync() as number[][];
    const logits = rows.map((row) =>
      row.map((_, t) => {
        const p = probs(row.slice(1, t + 1));
        return Array.from({ length: V }, (_, v) => Math.log(p[v] ?? 1e-12));
      }),
    );
    return { logits: tf.tensor3d(logits) };
  },
};

test("beam search keeps going while a growing hypothesis can beat the k-th finished one", () => {
  const before = tf.memory().numTensors;
  const found = beamSearch(toy, [0], { bos: BOS, eos: EOS, beamWidth: 2, lengthPenalty: 0, maxLength: 6 });
  // By hand: "" ends at ln 0.5; after step 2 "b" has ended at ln(0.2·0.99) = −1.619 and "a a" grows at
  // ln(0.3·0.9) = −1.309; it ends at step 3 at ln(0.3·0.9·0.95) = −1.360, better than "b". Stopping once two
  // hypotheses had ended would have returned "b" second.
  assert.deepEqual(
    found.map((h) => h.tokens),
    [[], [A, A]],
  );
  assert.ok(Math.abs(found[1]!.logProb - Math.log(0.3 * 0.9 * 0.95)) < 1e-5, `${found[1]!.logProb}`);
  assert.ok(found.every((h) => h.finished));
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
});

test("with the length penalty the search also goes on for a hypothesis that the penalty will favour", () => {
  const found = beamSearch(toy, [0], { bos: BOS, eos: EOS, beamWidth: 2, lengthPenalty: 2, maxLength: 6 });
  // α = 2: lp(1) = 1, lp(2) = 1.36, lp(3) = 1.78; "a a" scores −1.360/1.78 = −0.765, "b" −1.619/1.36 = −1.190,
  // "" −0.693/1 = −0.693.
  const lp = (n: number) => ((5 + n) / 6) ** 2;
  assert.deepEqual(
    found.map((h) => h.tokens),
    [[], [A, A]],
  );
  assert.ok(Math.abs(found[1]!.score - Math.log(0.3 * 0.9 * 0.95) / lp(3)) < 1e-5);
});

test("beam width 1 without a length penalty is greedy decoding", () => {
  const [one] = beamSearch(toy, [0], { bos: BOS, eos: EOS, beamWidth: 1, lengthPenalty: 0, maxLength: 6 });
  assert.deepEqual(one!.tokens, greedyDecode(toy, [[0]], { bos: BOS, eos: EOS, maxLength: 6 })[0]);
});
