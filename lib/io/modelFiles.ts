/**
 * A tfjs IOHandler for a folder on disk in the tfjs save format (`model.json` + a weights file), for Node without
 * tfjs-node (whose `file://` handler needs its native binary). A model a notebook saves this way loads in the
 * browser lab (`npm run lab` serves out/models/ at /models/) and back in Node. Follows the tfjs model format
 * (`ModelArtifacts`, `weightsManifest`) of `tf.io.browserFiles` / tfjs-node's `file://` handler.
 */
import { existsSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { checkOptions, checkValue, opt } from "../check/options.js";
import { readModelFolder } from "./modelFilesLoad.js";
import { WEIGHTS_FILE_NAME, weightsEntry } from "./weightsFiles.js";
import { writeFileAtomic } from "./writeFileAtomic.js";
import { writeFileExclusive } from "./writeFileExclusive.js";

/** Options of {@link modelFiles}. */
export interface ModelFilesOptions {
  /** Replace a model already saved in the folder. Default `false`: saving there is an error. */
  overwrite?: boolean;
}

/** The weights files (of this format's names) that the model.json in `dir` names; [] if none parses. */
function previousWeights(dir: string): string[] {
  try {
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as tf.io.ModelJSON;
    return json.weightsManifest.flatMap((g) => g.paths).filter((p) => WEIGHTS_FILE_NAME.test(p));
  } catch {
    return [];
  }
}

/**
 * Writes `artifacts` to `dir` so that any crash leaves either the old model or the new one: the weights go to a
 * new file named by their hash, then model.json (naming that file, with its byte length and sha256) replaces
 * the old one in one rename; only then is the old weights file removed.
 */
function saveModelFolder(dir: string, artifacts: tf.io.ModelArtifacts, overwrite: boolean): tf.io.SaveResult {
  const modelJson = join(dir, "model.json");
  const taken = () =>
    new Error(`modelFiles: ${modelJson} already holds a model; pass { overwrite: true } to replace it`);
  if (!overwrite && existsSync(modelJson)) throw taken();
  const { weightData, weightSpecs, ...rest } = artifacts;
  const bytes = new Uint8Array(
    weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(weightData),
  );
  const entry = weightsEntry(bytes);
  const weightsManifest = [{ paths: [entry.path], weights: weightSpecs ?? [] }];
  const text = JSON.stringify({ ...rest, weightsManifest, weightsFiles: [entry] }); // a bad topology fails here
  const previous = overwrite ? previousWeights(dir) : [];
  const weightsPath = join(dir, entry.path);
  const existed = existsSync(weightsPath);
  writeFileAtomic(weightsPath, bytes);
  try {
    if (overwrite) writeFileAtomic(modelJson, text);
    else writeFileExclusive(modelJson, text);
  } catch (err) {
    if (!existed) rmSync(weightsPath, { force: true });
    throw (err as NodeJS.ErrnoException).code === "EEXIST" ? taken() : err;
  }
  for (const old of previous) if (old !== entry.path) unlinkQuietly(join(dir, old));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone (another save removed it)
  }
}

/**
 * Saves to or loads from `dir`: `model.json` and `weights.<first 16 hex of their sha256>.bin`. Saving is atomic
 * as a pair (see above); loading checks each weights file's byte length and sha256 against model.json and
 * fails naming the file on a mismatch. Models saved before the checksum was recorded (a plain `weights.bin`)
 * still load, with a warning, after a size check; saving one again upgrades it.
 * @example
 *   await saveTransformer(model, modelFiles("out/models/copy-task", { overwrite: true }));
 *   const again = await loadTransformer(modelFiles("out/models/copy-task"));
 */
export function modelFiles(dir: string, options: ModelFilesOptions = {}): tf.io.IOHandler {
  checkValue("modelFiles", "dir", dir, opt.string({ required: true, nonEmpty: true }));
  checkOptions("modelFiles", options, { overwrite: opt.boolean() });
  const overwrite = options.overwrite ?? false;
  return {
    save: async (artifacts) => saveModelFolder(dir, artifacts, overwrite),
    load: async () => readModelFolder(dir),
  };
}
