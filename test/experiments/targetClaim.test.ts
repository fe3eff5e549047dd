/**
 * targetClaim: a claim is checked at the full-mode defaults, and skipped with the reason (quick mode, the
 * settings the learner changed, the seed included) otherwise — so an exercise's change never fails a notebook.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startExperiment } from "../../lib/experiments/run.js";
import { changedSettings, targetClaim } from "../../lib/experiments/targetClaim.js";
import { tiny } from "../records/tinyExperiment.js";

const opts = { progress: "none", record: false } as const;

test("full-mode defaults: the claim is checked as given", async () => {
  const session = await startExperiment(tiny, opts);
  assert.deepEqual(changedSettings(session), []);
  assert.equal(targetClaim(session, true), true);
  assert.equal(targetClaim(session, false), false);
});

test("quick mode, a changed setting or another seed: skipped, saying why", async () => {
  const quick = await startExperiment(tiny, { ...opts, quick: true });
  assert.deepEqual(changedSettings(quick), [], "the quick overrides are quick mode's own defaults");
  assert.deepEqual(targetClaim(quick, false), {
    skipped: "holds for the full-mode defaults; this run: quick mode",
  });
  const changed = await startExperiment(tiny, { ...opts, quick: true, config: { size: 32, seed: 2 } });
  assert.deepEqual(changedSettings(changed), ["seed", "size"]);
  assert.deepEqual(targetClaim(changed, true), {
    skipped: "holds for the full-mode defaults; this run: quick mode, you changed seed, size",
  });
  const seed = await startExperiment(tiny, { ...opts, config: { seed: 3 } });
  assert.equal(seed.quick, false, "a full-mode run with another seed is recorded as full mode");
  assert.deepEqual(targetClaim(seed, true), {
    skipped: "holds for the full-mode defaults; this run: you changed seed",
  });
});
