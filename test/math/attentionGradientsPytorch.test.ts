/**
 * The softmax Jacobian and attention gradients (issue #19) against PyTorch float64 autograd: the stored
 * references of test/fixtures/pytorch/attention-gradients.json, made by scripts/references/attention-gradients.py
 * (torch.autograd.functional.jacobian of softmax(z/τ); backward() through scores, scale, temperature, mask, row
 * softmax and P V with the loss Σ O ⊙ dO). Every entry agrees to 1e-9.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  type AttendOptions,
  attendBackward,
  buildMask,
  maxAbsDiff,
  softmaxJacobian,
} from "../../lib/index.js";

interface SoftmaxCase {
  name: string;
  logits: number[];
  temperature: number;
  p: number[];
  jacobian: number[][];
}
interface AttentionCase {
  name: string;
  options: Record<string, unknown>;
  queries: number[][];
  keys: number[][];
  values: number[][];
  dOutput: number[][];
  params: Record<string, number[][] | number[]>;
  mask: boolean[][];
  scale: number;
  output: number[][];
  weights: number[][];
  dQueries: number[][];
  dKeys: number[][];
  dValues: number[][];
  dWeights: number[][];
  dScores: number[][];
  dParams: Record<string, number[][] | number[]>;
}
const fixture = JSON.parse(readFileSync("test/fixtures/pytorch/attention-gradients.json", "utf8")) as {
  torch: string;
  softmax: SoftmaxCase[];
  attention: AttentionCase[];
};
const TOL = 1e-9;
const asMatrix = (x: number[][] | number[]) => (Array.isArray(x[0]) ? (x as number[][]) : [x as number[]]);

test(`softmaxJacobian equals torch.autograd.functional.jacobian of softmax(z/τ) (torch ${fixture.torch})`, () => {
  assert.equal(fixture.softmax.length, 4);
  for (const c of fixture.softmax) {
    const J = softmaxJacobian(c.p, { temperature: c.temperature });
    assert.ok(maxAbsDiff(J, c.jacobian) <= TOL, `${c.name}: ${maxAbsDiff(J, c.jacobian)}`);
  }
});

test("attendBackward equals PyTorch autograd: dQ, dK, dV, dα, dS and the score parameters, masks included", () => {
  assert.ok(fixture.attention.length >= 13);
  const seen = new Set<string>();
  for (const c of fixture.attention) {
    const options = { ...c.options, ...c.params } as AttendOptions;
    const g = attendBackward(c.queries, c.keys, c.values, c.dOutput, options);
    const mask = c.options.mask as Parameters<typeof buildMask>[2] | undefined;
    if (mask !== undefined)
      assert.deepEqual(buildMask(c.queries.length, c.keys.length, mask), c.mask, c.name);
    assert.ok(Math.abs(g.trace.scale - c.scale) <= 1e-15, `${c.name}: scale`);
    const pairs: [string, number[][], number[][]][] = [
      ["output", g.trace.output, c.output],
      ["weights", g.trace.weights, c.weights],
      ["dQueries", g.dQueries, c.dQueries],
      ["dKeys", g.dKeys, c.dKeys],
      ["dValues", g.dValues, c.dValues],
      ["dWeights", g.dWeights, c.dWeights],
      ["dScores", g.dScores, c.dScores],
    ];
    const params = (g.dScoreParams ?? {}) as Record<string, number[][] | number[]>;
    assert.deepEqual(Object.keys(params).sort(), Object.keys(c.dParams).sort(), c.name);
    for (const [name, want] of Object.entries(c.dParams))
      pairs.push([`d${name}`, asMatrix(params[name]!), asMatrix(want)]);
    for (const [name, got, want] of pairs) {
      const gap = maxAbsDiff(got, want);
      assert.ok(gap <= TOL, `${c.name}: ${name} differs from PyTorch by ${gap}`);
    }
    seen.add(String(c.options.score));
    if (c.mask.some((r) => r.every((k) => !k))) seen.add("fully masked row");
  }
  for (const s of ["dot", "scaledDot", "general", "additive", "cosine", "fully masked row"])
    assert.ok(seen.has(s), s);
});
