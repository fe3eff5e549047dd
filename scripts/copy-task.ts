/**
 * Experiment: train a tiny Transformer on the copy task (vocab 11, length 10) on the default backend until
 * greedy decoding copies ≥ 99% of 256 fresh sequences exactly; prints each evaluation, the steps and wall time.
 * Run: `node --import tsx scripts/copy-task.ts [seed]`.
 */
import * as tf from "@tensorflow/tfjs";
import { trainCopyTask } from "../lib/models/copyTaskTraining.js";
import { initBackend } from "../lib/tfjs/index.js";

async function main(): Promise<void> {
  const seed = Number(process.argv[2] ?? 0);
  const backend = await initBackend();
  console.log(
    `backend ${backend.name}; seed ${seed}; tiny preset (dModel 32, 2 heads, 1+1 layers), batch 64`,
  );
  const started = Date.now();
  const { model, history, reached } = trainCopyTask({
    seed,
    onEval: (r) =>
      console.log(
        `step ${r.step}  loss ${r.loss.toFixed(4)}  exact ${(100 * r.accuracy).toFixed(1)}%  ${r.seconds.toFixed(1)} s`,
      ),
  });
  const last = history.at(-1)!;
  const wall = (Date.now() - started) / 1000;
  console.log(
    `${reached ? "reached" : "did NOT reach"} ≥ 99% exact sequences: ${(100 * last.accuracy).toFixed(1)}% at step ${last.step}, wall ${wall.toFixed(1)} s, tensors ${tf.memory().numTensors}`,
  );
  model.dispose();
  process.exitCode = reached ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
