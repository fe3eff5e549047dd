/** childSeed: deterministic, in [0, 2³¹), distinct across names and parents, and strict about its input. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { childSeed } from "../../lib/random/childSeed.js";

test("childSeed is deterministic and an integer in [0, 2^31)", () => {
  assert.equal(childSeed(0, "model"), childSeed(0, "model"));
  for (const parent of [0, 1, -1, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
    const s = childSeed(parent, "data/train");
    assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 31, `${parent} → ${s}`);
  }
});

test("childSeed differs across names and parents (no collisions among 20,000 derivations)", () => {
  const seen = new Set<number>();
  for (let parent = 0; parent < 1000; parent++) {
    for (const name of [
      "data/train",
      "data/test",
      "model",
      "shuffle",
      "init/0",
      "init/1",
      "init/10",
      "dropout/1",
      "dropout/2",
      "gru/model",
      "gru/shuffle",
      "encoder/0",
      "decoder/0",
      "a",
      "b",
      "ab",
      "ba",
      "block/0",
      "block/1",
      "head",
    ]) {
      seen.add(childSeed(parent, name));
    }
  }
  assert.equal(seen.size, 20_000);
  // the high half of a large parent matters too
  assert.notEqual(childSeed(1, "model"), childSeed(1 + 2 ** 32, "model"));
});

test("childSeed rejects a non-integer parent and an empty name, naming the argument", () => {
  assert.throws(() => childSeed(1.5, "model"), /childSeed: parent must be a safe integer, got 1\.5/);
  assert.throws(() => childSeed(Number.NaN, "model"), /parent must be a safe integer, got NaN/);
  assert.throws(() => childSeed(1, ""), /childSeed: name must be a non-empty string, got ""/);
  assert.throws(() => childSeed(1, 3 as never), /name must be a non-empty string, got 3/);
});
