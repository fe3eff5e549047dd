/**
 * A tfjs IOHandler for a folder on disk in the tfjs save format (`model.json` + `weights.bin`), for Node without
 * tfjs-node (whose `file://` handler needs its native binary). A model a notebook saves this way loads in the
 * browser lab (`npm run lab` serves out/models/ at /models/) and back in Node. Follows the tfjs model format
 * (`ModelArtifacts`, `weightsManifest`) of `tf.io.browserFiles` / tfjs-node's `file://` handler.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { writeFileAtomic } from "./writeFileAtomic.js";

/** Options of {@link modelFiles}. */
export interface ModelFilesOptions {
  /** Replace a model already saved in the folder. Default `false`: saving there is an error. */
  overwrite?: boolean;
}

/**
 * Saves to or loads from `dir` (`model.json`, `weights.bin`). Each file is written atomically, weights first,
 * so a reader never finds a `model.json` without its weights.
 * @example
 *   await saveTransformer(model, modelFiles("out/models/copy-task", { overwrite: true }));
 *   const again = await loadTransformer(modelFiles("out/models/copy-task"));
 */
export function modelFiles(dir: string, options: ModelFilesOptions = {}): tf.io.IOHandler {
  const modelJson = join(dir, "model.json");
  const weightsBin = join(dir, "weights.bin");
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (!options.overwrite && existsSync(modelJson)) {
        throw new Error(
          `modelFiles: ${modelJson} already holds a model; pass { overwrite: true } to replace it`,
        );
      }
      const { weightData, weightSpecs, ...rest } = artifacts;
      const weights =
        weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(weightData);
      writeFileAtomic(weightsBin, new Uint8Array(weights));
      const weightsManifest = [{ paths: ["weights.bin"], weights: weightSpecs ?? [] }];
      writeFileAtomic(modelJson, JSON.stringify({ ...rest, weightsManifest }));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      if (!existsSync(modelJson))
        throw new Error(`modelFiles: no model saved in ${dir} (${modelJson} is missing)`);
      const json = JSON.parse(readFileSync(modelJson, "utf8")) as tf.io.ModelJSON;
      const specs = json.weightsManifest.flatMap((group) => group.weights);
      const bytes = readFileSync(weightsBin);
      const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      return tf.io.getModelArtifactsForJSONSync(json, specs, weightData);
    },
  };
}
