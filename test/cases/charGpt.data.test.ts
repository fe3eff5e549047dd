/**
 * The character corpora of the char-GPT case: each file's sha256 is the pinned one (and a damaged copy is
 * refused), the vocabulary round-trips, the splits have the documented sizes and do not overlap, the windows have
 * the right shapes and shift, and the unigram and bigram baselines are exact on small cases, normalised, and
 * give the documented bits per character (bigram below unigram on both corpora). Bad input is refused by name.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  CHAR_CORPUS_SHA256,
  charCorpusPath,
  charGptBatch,
  charGptData,
  charVocab,
  charWindows,
  charWindowsAt,
  decodeChars,
  encodeChars,
  loadCharCorpus,
  splitCharCorpus,
} from "../../lib/cases/charGpt/data.js";
import { sha256Hex } from "../../lib/io/weightsFiles.js";
import { bigramBaseline, unigramBaseline } from "../../lib/metrics/charBaselines.js";
import { mulberry32 } from "../../lib/random/prng.js";

const root = join(__dirname, "..", "..");
const moby = charGptData({ corpus: "moby-dick" });
const tang = charGptData({ corpus: "tang-quatrains" });

test("each corpus file has the pinned sha256, stated in its dataset README", () => {
  for (const name of ["moby-dick", "tang-quatrains"] as const) {
    const sha = sha256Hex(readFileSync(charCorpusPath(name)));
    assert.equal(sha, CHAR_CORPUS_SHA256[name]);
    const readme = readFileSync(join(root, "datasets", name, "README.md"), "utf8");
    assert.ok(readme.includes(sha), `datasets/${name}/README.md states ${sha}`);
  }
  assert.equal(moby.corpus.sha256, CHAR_CORPUS_SHA256["moby-dick"]);
  assert.ok(
    readFileSync(join(root, "datasets", "tang-quatrains", "LICENSE"), "utf8").includes("MIT License"),
  );
});

test("a damaged copy of a corpus is refused with both hashes in the message", () => {
  const dir = mkdtempSync(join(tmpdir(), "chargpt-"));
  try {
    const path = join(dir, "poems.txt");
    writeFileSync(path, tang.corpus.text.replace("春", "秋"));
    assert.throws(
      () => loadCharCorpus("tang-quatrains", { path }),
      (e: Error) => e.message.includes(CHAR_CORPUS_SHA256["tang-quatrains"]) && /damaged/.test(e.message),
    );
    writeFileSync(path, tang.corpus.text);
    assert.equal(loadCharCorpus("tang-quatrains", { path }).documents!.length, 3725);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the vocabulary is sorted, counts every character, and encode/decode round-trip", () => {
  assert.deepEqual(charVocab("abca").counts, [2, 1, 1]);
  for (const { vocab, corpus } of [moby, tang]) {
    const cps = vocab.chars.map((c) => c.codePointAt(0)!);
    assert.ok(
      cps.every((c, i) => i === 0 || c > cps[i - 1]!),
      "strictly increasing code points",
    );
    assert.equal(
      vocab.counts.reduce((a, b) => a + b, 0),
      Array.from(corpus.text).length,
    );
  }
  assert.equal(moby.vocab.chars.length, 83);
  assert.equal(tang.vocab.chars.length, 3754);
  assert.equal(decodeChars(moby.vocab, moby.valid), moby.text.valid);
  assert.equal(decodeChars(tang.vocab, tang.train), tang.text.train);
  const line = "床前明月光，疑是地上霜。\n";
  assert.equal(decodeChars(tang.vocab, encodeChars(tang.vocab, line)), line);
  assert.deepEqual(encodeChars(charVocab("abc"), "cab"), [2, 0, 1]);
});

test("Moby-Dick: the last 10 % is validation, contiguous after the training text", () => {
  assert.deepEqual(moby.dataset.sizes, { train: 1_071_285, valid: 119_032 });
  assert.equal(moby.text.train + moby.text.valid, moby.corpus.text);
  assert.equal(moby.train.length + moby.valid.length, 1_190_317);
  const other = splitCharCorpus(moby.corpus, { validFraction: 0.25 });
  assert.equal(other.valid.length, Math.round(1_190_317 * 0.25));
});

test("Tang quatrains: whole poems, 373 to validation spread evenly, disjoint from training", () => {
  const poems = tang.corpus.documents!;
  assert.equal(poems.length, 3725);
  assert.ok(poems.every((p) => /^(\p{Script=Han}{5}，\p{Script=Han}{5}。){2}$/u.test(p)));
  const train = tang.text.train.slice(0, -1).split("\n");
  const valid = tang.text.valid.slice(0, -1).split("\n");
  assert.deepEqual([train.length, valid.length], [3352, 373]);
  assert.deepEqual(tang.dataset.sizes, { train: 3352 * 25, valid: 373 * 25 });
  const seen = new Set(train);
  assert.ok(
    valid.every((p) => !seen.has(p)),
    "no validation poem is a training poem",
  );
  assert.deepEqual(new Set([...train, ...valid]), new Set(poems));
  // evenly spread: the first validation poem is poem 9 (or 10), and no gap exceeds 11
  const at = valid.map((p) => poems.indexOf(p));
  assert.ok(at.every((i, k) => k === 0 || (i > at[k - 1]! && i - at[k - 1]! <= 11)));
  assert.ok(at[0]! >= 8 && at[0]! <= 10, `first at ${at[0]}`);
});

test("windows: [B][T] inputs, targets shifted by one, seeded starts in range, tensors without leaks", () => {
  const opts = { blockSize: 64, batchSize: 8 };
  const w = charWindows(moby.train, { ...opts, rng: mulberry32(3) });
  assert.deepEqual(
    [w.inputs.length, w.inputs[0]!.length, w.targets.length, w.targets[7]!.length],
    [8, 64, 8, 64],
  );
  w.starts.forEach((s, b) => {
    assert.ok(s >= 0 && s <= moby.train.length - 65);
    assert.deepEqual(w.inputs[b]!.slice(1), w.targets[b]!.slice(0, -1));
    assert.equal(w.targets[b]![63], moby.train[s + 64]);
  });
  assert.deepEqual(charWindows(moby.train, { ...opts, rng: mulberry32(3) }).starts, w.starts);
  assert.notDeepEqual(charWindows(moby.train, { ...opts, rng: mulberry32(4) }).starts, w.starts);
  // the smallest legal ids: one window, at start 0
  assert.deepEqual(charWindowsAt([5, 6, 7], [0], 2), { starts: [0], inputs: [[5, 6]], targets: [[6, 7]] });
  const before = tf.memory().numTensors;
  const batch = charGptBatch(w);
  assert.deepEqual(
    [batch.inputs.shape, batch.targets.shape, batch.inputs.dtype],
    [[8, 64], [8, 64], "int32"],
  );
  assert.deepEqual(batch.targets.arraySync()[2], w.targets[2]);
  tf.dispose([batch.inputs, batch.targets]);
  assert.equal(tf.memory().numTensors, before);
});

test("baselines: exact on small cases, every conditional sums to 1", () => {
  // train "aab", valid "aba": p(a) = 3/5, p(b) = 2/5, targets b then a
  const u = unigramBaseline([0, 0, 1], [0, 1, 0], 2);
  assert.ok(Math.abs(u.bitsPerChar - -(Math.log2(0.4) + Math.log2(0.6)) / 2) < 1e-12);
  assert.equal(bigramBaseline([0, 1, 0, 1], [0, 1], 2, { smoothing: "addOne" }).probability(0, 1), 0.75);
  assert.ok(Math.abs(bigramBaseline([0, 1, 0, 1], [0, 1], 2).probability(0, 1) - 2.5 / 3) < 1e-12);
  // a random case over 6 ids (id 5 never in training): both smoothings normalise, scores match a direct sum
  const rng = mulberry32(7);
  const train = Array.from({ length: 200 }, () => rng.int(0, 4));
  const valid = Array.from({ length: 50 }, () => rng.int(0, 5));
  for (const smoothing of ["addOne", "wittenBell"] as const) {
    const b = bigramBaseline(train, valid, 6, { smoothing });
    for (let a = 0; a < 6; a++) {
      const sum = [0, 1, 2, 3, 4, 5].reduce((s, x) => s + b.probability(a, x), 0);
      assert.ok(Math.abs(sum - 1) < 1e-12, `${smoothing}: Σ p(· | ${a}) = ${sum}`);
    }
    let bits = 0;
    for (let t = 1; t < valid.length; t++) bits -= Math.log2(b.probability(valid[t - 1]!, valid[t]!));
    assert.ok(Math.abs(b.bitsPerChar - bits / 49) < 1e-12);
  }
  assert.ok(Math.abs(unigramBaseline(train, valid, 6).probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test("baselines on the corpora: finite, bigram below unigram, the documented bits per character", () => {
  const measure = ({ train, valid, vocab }: typeof moby): [number, number, number] => {
    const V = vocab.chars.length;
    return [
      unigramBaseline(train, valid, V).bitsPerChar,
      bigramBaseline(train, valid, V).bitsPerChar,
      bigramBaseline(train, valid, V, { smoothing: "addOne" }).bitsPerChar,
    ];
  };
  const [mu, mb, ma] = measure(moby);
  const [tu, tb, ta] = measure(tang);
  for (const x of [mu, mb, ma, tu, tb, ta]) assert.ok(Number.isFinite(x) && x > 0);
  assert.ok(mb < mu && tb < tu, "Witten–Bell bigram beats the unigram");
  // golden values (this code, these files); add-one is too blunt for 3,754 characters on 84k training pairs
  const near = (x: number, y: number) => assert.ok(Math.abs(x - y) < 1e-9, `${x} vs ${y}`);
  near(mu, 4.497746248973192);
  near(mb, 3.5524695445344694);
  near(ma, 3.5570180659558925);
  near(tu, 9.117228575684932);
  near(tb, 8.16186592729008);
  near(ta, 10.106729734189093);
  const readme = readFileSync(join(root, "datasets", "moby-dick", "README.md"), "utf8");
  for (const x of [mu, mb, ma]) assert.ok(readme.includes(x.toFixed(4)), `README states ${x.toFixed(4)}`);
});

test("bad input is refused, naming the argument and what is allowed", () => {
  const bad: [() => unknown, RegExp][] = [
    [
      () => charGptData({ corpus: "shakespeare" as "moby-dick" }),
      /config\.corpus must be one of "moby-dick", "tang-quatrains", got "shakespeare"/,
    ],
    [
      () => charGptData({ corpus: "moby-dick", validFraction: 1 }),
      /validFraction must be a finite number > 0 and < 1, got 1/,
    ],
    [
      () => loadCharCorpus("moby-dick", { pth: "x" } as never),
      /unknown option "pth" \(did you mean "path"\?\)/,
    ],
    [
      () => splitCharCorpus(tang.corpus, { validFraction: 0.0001 }),
      /leaves an empty split of 3725 documents/,
    ],
    [() => charVocab(""), /text is empty/],
    [
      () => encodeChars(moby.vocab, "café"),
      /character "é" \(U\+00E9\) at position 3 is not in the vocabulary of 83/,
    ],
    [() => decodeChars(moby.vocab, [0, 83]), /ids\[1\] is 83, not an integer in \[0, 82\]/],
    [() => decodeChars(moby.vocab, [0.5]), /ids\[0\] is 0.5/],
    [
      () => charWindows([1, 2, 3], { blockSize: 3, batchSize: 1, rng: mulberry32(0) }),
      /need at least blockSize \+ 1 = 4/,
    ],
    [
      () => charWindows([1, 2, 3], { blockSize: 1, batchSize: 0, rng: mulberry32(0) }),
      /batchSize must be an integer ≥ 1, got 0/,
    ],
    [
      () => charWindows([1, 2, 3], { blockSize: 1, batchSize: 1, rng: 7 as never }),
      /options\.rng must be a generator/,
    ],
    [() => charWindows([1, 2, 3], { blockSize: 1, batchSize: 1 } as never), /rng is required/],
    [() => charWindowsAt([1, 2, 3], [2], 1), /starts\[0\] is 2, not an integer in \[0, 1\]/],
    [() => unigramBaseline([0, 2], [0, 1], 2), /train\[1\] is 2, not an integer id in \[0, 1\]/],
    [() => unigramBaseline([0], [0], 2), /valid has 1 ids, need at least 2/],
    [() => bigramBaseline([0, 1], [0, 1], 0), /vocabSize must be an integer ≥ 1, got 0/],
    [() => bigramBaseline([0], [0, 1], 2), /train has 1 ids, need at least 2/],
    [
      () => bigramBaseline([0, 1], [0, 1], 2, { smoothing: "kneserNey" as "addOne" }),
      /smoothing must be one of "addOne", "wittenBell"/,
    ],
    [() => bigramBaseline([0, 1], [0, Number.NaN], 2), /valid\[1\] is NaN/],
  ];
  for (const [fn, message] of bad) assert.throws(fn, message);
});
