/**
 * EN→FR in the lab: lib/cases/enfr's generated corpus and its Transformer (tiny preset, 1+1 layers), trained
 * on seeded random batches of the training split; evaluated by greedy translation of held-out sentences.
 */
import { ENFR_SEED_PAIR, ENFR_SPECIAL, enfrBatch, enfrData } from "../../../lib/cases/enfr/data.js";
import { enfrModel, enfrTranslate } from "../../../lib/cases/enfr/model.js";
import { exactMatch } from "../../../lib/metrics/classification.js";
import { mulberry32 } from "../../../lib/random/prng.js";
import { enfrCodec } from "./codecs.js";
import type { TrainTask } from "./trainerPanel.js";

const TEST_FRACTION = 0.2;

export const enfrTask: TrainTask = {
  id: "enfr",
  title: "Train EN→FR",
  note: "3,600 generated sentence pairs (elision, gender, negation); the decoder's cross-attention aligns j' with I and la programmation with programming.",
  defaults: { steps: 300, batchSize: 64, learningRate: 0.003, warmup: 60, seed: 0, preset: "tiny" },
  presets: false,
  codec: enfrCodec,
  prepare(s) {
    const train = enfrData({ seed: s.seed, testFraction: TEST_FRACTION }).train;
    const model = enfrModel({ dModel: 32, numHeads: 2, dFF: 64, seed: s.seed });
    const rng = mulberry32(s.seed);
    const batch = () =>
      enfrBatch(
        train,
        Array.from({ length: s.batchSize }, () => rng.int(0, train.length - 1)),
      );
    return { model, batch, padId: ENFR_SPECIAL.pad };
  },
  evaluate(model, s) {
    const test = enfrData({ seed: s.seed, testFraction: TEST_FRACTION }).test.slice(0, 64);
    const predicted = enfrTranslate(
      model,
      test.map((p) => p.en),
    );
    const exact = exactMatch(
      predicted,
      test.map((p) => p.fr),
    );
    return {
      report: `Exact translations of 64 held-out sentences: ${(exact * 100).toFixed(0)}%; "${ENFR_SEED_PAIR.en.join(" ")}" → "${predicted[0]!.join(" ")}".`,
      input: ENFR_SEED_PAIR.en.join(" "),
    };
  },
};
