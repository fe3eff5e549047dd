/**
 * The copy task in the lab: lib/models' seeded copy batches and a Transformer (tiny or small preset) sized as in
 * lib/cases/copyTask's experiment; evaluated by greedy decoding of held-out sequences (exact copies).
 */
import { exactMatch } from "../../../lib/metrics/classification.js";
import { COPY_TASK, copySequences, copyTaskTensors } from "../../../lib/models/copyTask.js";
import { greedyDecode } from "../../../lib/models/decoding.js";
import { Transformer } from "../../../lib/models/transformer.js";
import { transformerConfig } from "../../../lib/models/transformerConfig.js";
import { childSeed } from "../../../lib/random/childSeed.js";
import { mulberry32 } from "../../../lib/random/prng.js";
import { copyCodec } from "./codecs.js";
import type { TrainTask } from "./trainerPanel.js";

/** A fresh copy-task Transformer (vocabulary 11, sequences of 10) of the given preset. */
export function copyTaskModel(preset: "tiny" | "small", seed: number): Transformer {
  const config = {
    srcVocab: COPY_TASK.vocabSize,
    tgtVocab: COPY_TASK.vocabSize,
    maxLength: COPY_TASK.length + 2,
    seed,
  };
  return new Transformer(transformerConfig(config, preset)).ensureBuilt();
}

export const copyTask: TrainTask = {
  id: "copy",
  title: "Train the copy task",
  note: "The target is the source itself, so the decoder must learn to attend from output position i to input position i: watch the cross-attention become a diagonal.",
  defaults: { steps: 600, batchSize: 32, learningRate: 0.003, warmup: 0, seed: 0, preset: "tiny" },
  presets: true,
  codec: copyCodec,
  prepare(s) {
    const model = copyTaskModel(s.preset, s.seed);
    const rng = mulberry32(childSeed(s.seed, "data/train"));
    return { model, batch: () => copyTaskTensors(copySequences(rng, s.batchSize)) };
  },
  evaluate(model, s) {
    const test = copySequences(childSeed(s.seed, "data/test"), 32).src;
    const decoded = greedyDecode(model, test, { bos: COPY_TASK.bos, eos: COPY_TASK.eos });
    const exact = exactMatch(decoded, test);
    return {
      report: `Exact copies of 32 held-out sequences: ${(exact * 100).toFixed(0)}%.`,
      input: test[0]!.join(" "),
    };
  },
};
