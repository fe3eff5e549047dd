/** The strict-options checker: unknown keys and values are errors naming the key, the value and what is allowed. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkOptions, checkValue, opt } from "../../lib/check/options.js";

const spec = {
  causal: opt.boolean(),
  window: opt.integer({ min: 0 }),
  score: opt.oneOf(["dot", "scaledDot"]),
  rate: opt.number({ min: 0, below: 1 }),
  name: opt.string({ nonEmpty: true }),
  nested: opt.object({ mode: opt.oneOf(["max", "min"], { required: true }) }),
};

test("checkOptions: a valid object and undefined pass and come back", () => {
  const o = { causal: true, window: 2, score: "dot", rate: 0.5, name: "x", nested: { mode: "max" } };
  assert.equal(checkOptions("f", o, spec), o);
  assert.deepEqual(checkOptions("f", undefined, spec), {});
});

test("checkOptions: options left out still name a missing required key", () => {
  assert.throws(() => checkOptions("fit", undefined, { size: opt.integer({ required: true }) }), {
    name: "TypeError",
    message: /^fit: options.size is required/,
  });
});

test("checkOptions: an unknown key names it, suggests the nearest and lists the allowed ones", () => {
  assert.throws(() => checkOptions("attend", { casual: true }, spec), {
    name: "TypeError",
    message:
      /^attend: unknown option "casual" \(did you mean "causal"\?\); allowed options: causal, window, score/,
  });
  assert.throws(
    () => checkOptions("f", { validlens: 1 }, { validLens: opt.any() }),
    /did you mean "validLens"/,
  );
  assert.throws(
    () => checkOptions("f", { zzz: 1 }, spec),
    (e: Error) => !/did you mean/.test(e.message),
  );
});

test("checkOptions: prototype keys are neither allowed keys nor allowed values", () => {
  assert.throws(() => checkOptions("f", { toString: 1 }, spec), /unknown option "toString"/);
  assert.throws(
    () => checkOptions("f", { score: "toString" }, spec),
    /options.score must be one of "dot", "scaledDot", got "toString"/,
  );
  assert.throws(() => checkOptions("f", JSON.parse('{"__proto__": 1}'), spec), /unknown option "__proto__"/);
});

test("checkOptions: wrong values name the key, the value and the rule", () => {
  const cases: [object, RegExp][] = [
    [{ causal: "yes" }, /f: options.causal must be a boolean \(true or false\), got "yes"/],
    [{ causal: 1 }, /options.causal must be a boolean/],
    [{ window: 1.5 }, /options.window must be an integer ≥ 0, got 1.5/],
    [{ window: -1 }, /options.window must be an integer ≥ 0, got -1/],
    [{ window: Number.NaN }, /got NaN/],
    [{ rate: 1 }, /options.rate must be a finite number ≥ 0 and < 1, got 1/],
    [{ rate: Infinity }, /got Infinity/],
    [{ score: "scaled" }, /options.score must be one of "dot", "scaledDot", got "scaled"/],
    [{ name: "" }, /options.name must be a non-empty string/],
    [{ nested: { mode: "maximize" } }, /options.nested.mode must be one of "max", "min", got "maximize"/],
    [{ nested: {} }, /options.nested.mode is required/],
    [{ nested: { mode: "max", x: 1 } }, /f: unknown option "nested.x"; allowed options: mode/],
  ];
  for (const [o, message] of cases)
    assert.throws(() => checkOptions("f", o, spec), message, JSON.stringify(o));
});

test("checkOptions: a non-object options argument is refused", () => {
  for (const bad of ["causal", 1, [1], null, new Map()]) {
    assert.throws(() => checkOptions("attend", bad as object, spec), {
      name: "TypeError",
      message: /attend: options must be an object with keys causal, window/,
    });
  }
});

test("checkValue: one value, named as the caller names it", () => {
  assert.throws(
    () => checkValue("attnlab run", "--timeout", 0, opt.number({ above: 0 })),
    /attnlab run: --timeout must be a finite number > 0, got 0/,
  );
  assert.doesNotThrow(() => checkValue("f", "x", undefined, opt.number()));
  assert.throws(() => checkValue("f", "x", undefined, opt.number({ required: true })), /f: x is required/);
});
