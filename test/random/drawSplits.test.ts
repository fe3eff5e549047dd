/** drawSplits: each split from `childSeed(seed, "data/<split>")` with its own size, train drawn first. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { childSeed } from "../../lib/random/childSeed.js";
import { drawSplits } from "../../lib/random/drawSplits.js";

test("drawSplits draws train then test, each from its named child seed and size", () => {
  const calls: [number, number, string][] = [];
  const splits = drawSplits({ seed: 7, trainSize: 5, testSize: 2 }, (seed, size, split) => {
    calls.push([seed, size, split]);
    return `${split}:${seed}:${size}`;
  });
  assert.deepEqual(calls, [
    [childSeed(7, "data/train"), 5, "train"],
    [childSeed(7, "data/test"), 2, "test"],
  ]);
  assert.deepEqual(splits, {
    train: `train:${childSeed(7, "data/train")}:5`,
    test: `test:${childSeed(7, "data/test")}:2`,
  });
});

test("drawSplits draws a validation split from its own seed, leaving train and test unchanged", () => {
  const draw = (seed: number, size: number, split: string) => `${split}:${seed}:${size}`;
  const plain = drawSplits({ seed: 7, trainSize: 5, testSize: 2 }, draw);
  const withValidation = drawSplits({ seed: 7, trainSize: 5, validationSize: 3, testSize: 2 }, draw);
  assert.deepEqual(withValidation, {
    train: plain.train,
    validation: `validation:${childSeed(7, "data/validation")}:3`,
    test: plain.test,
  });
  assert.notEqual(childSeed(7, "data/validation"), childSeed(7, "data/test"));
});
