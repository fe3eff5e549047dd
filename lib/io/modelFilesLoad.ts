/**
 * Loading a model folder written by `modelFiles` (Node only), checking every weights file against model.json
 * before a byte of it is used: its byte length and sha256 (`weightsFiles`), and the total against the weight
 * specs, so a torn, truncated or corrupted save is an error naming the file, never a model with wrong weights.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { readRegularBytes } from "./readRegularFile.js";
import {
  PLAIN_FILE_NAME,
  recordedEntries,
  sha256Hex,
  specBytes,
  type WeightsFileEntry,
} from "./weightsFiles.js";

const warned = new Set<string>();

/** The bytes of the regular file `path` (a FIFO or folder is an error, not a hang); errors name `what`. */
function readModelFileBytes(path: string, what: string): Buffer {
  try {
    return readRegularBytes("modelFiles", path, Infinity);
  } catch (err) {
    // With no size limit, the shared reader fails only to open (with a code) or on a file that is not regular.
    const code = (err as { code?: string }).code;
    throw new Error(
      `modelFiles: ${what} ${path} ${code ? `cannot be read (${code})` : "is not a regular file"}`,
    );
  }
}

type ModelJson = tf.io.ModelJSON & Record<string, unknown>;

/** model.json parsed and its manifest checked: groups of plain file names and weight specs. */
function readModelJson(dir: string, modelJson: string): ModelJson {
  if (!existsSync(modelJson))
    throw new Error(`modelFiles: no model saved in ${dir} (${modelJson} is missing)`);
  let json: unknown;
  try {
    json = JSON.parse(readModelFileBytes(modelJson, "model file").toString("utf8"));
  } catch (err) {
    if ((err as Error).message.startsWith("modelFiles:")) throw err;
    throw new Error(`modelFiles: ${modelJson} is not valid JSON (${(err as Error).message})`);
  }
  const manifest = (json as Partial<tf.io.ModelJSON> | null)?.weightsManifest;
  const groupOk = (g: tf.io.WeightsManifestConfig[number]) =>
    Array.isArray(g?.paths) &&
    g.paths.every((p: unknown) => typeof p === "string" && PLAIN_FILE_NAME.test(p)) &&
    Array.isArray(g.weights);
  if (!Array.isArray(manifest) || !manifest.every(groupOk)) {
    throw new Error(
      `modelFiles: ${modelJson} has no valid weightsManifest (groups of file names in this folder)`,
    );
  }
  return json as ModelJson;
}

/** The bytes of weights file `path`, checked against its entry in model.json when there is one. */
function readWeightsFile(dir: string, path: string, modelJson: string, entries?: WeightsFileEntry[]): Buffer {
  const file = join(dir, path);
  const bytes = readModelFileBytes(file, `weights file (named by ${modelJson})`);
  if (entries === undefined) return bytes;
  const entry = entries.find((e) => e.path === path);
  if (entry === undefined) throw new Error(`modelFiles: ${modelJson} records no checksum for ${file}`);
  if (bytes.byteLength !== entry.byteLength) {
    throw new Error(
      `modelFiles: ${file} has ${bytes.byteLength} bytes but ${modelJson} says ${entry.byteLength} ` +
        "(truncated, or from an interrupted save); refusing to load it",
    );
  }
  if (sha256Hex(bytes) !== entry.sha256) {
    throw new Error(
      `modelFiles: ${file} does not match the sha256 recorded in ${modelJson} (corrupted, or from another save); ` +
        "refusing to load it",
    );
  }
  return bytes;
}

function warnUnverified(modelJson: string): void {
  if (warned.has(modelJson)) return;
  warned.add(modelJson);
  process.emitWarning(
    `modelFiles: ${modelJson} records no weights checksum (saved by an older attnlab); its weights are checked ` +
      "for size only. Save the model again to add one.",
    { code: "ATTNLAB_UNVERIFIED_WEIGHTS" },
  );
}

/**
 * Reads the model in `dir` as tfjs `ModelArtifacts`. A model.json without `weightsFiles` (saved before they were
 * recorded) loads with a process warning (`ATTNLAB_UNVERIFIED_WEIGHTS`) after a size check against its specs.
 */
export function readModelFolder(dir: string): tf.io.ModelArtifacts {
  const modelJson = join(dir, "model.json");
  const json = readModelJson(dir, modelJson);
  const entries = recordedEntries(`modelFiles: ${modelJson}`, json);
  if (entries === undefined) warnUnverified(modelJson);
  const paths = json.weightsManifest.flatMap((group) => group.paths);
  const bytes = Buffer.concat(paths.map((p) => readWeightsFile(dir, p, modelJson, entries)));
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const expected = specBytes(specs);
  if (expected !== undefined && expected !== bytes.byteLength) {
    throw new Error(
      `modelFiles: ${paths.map((p) => join(dir, p)).join(", ")} hold ${bytes.byteLength} bytes of weights but ` +
        `${modelJson} describes ${expected} (a torn or truncated save); refusing to load it`,
    );
  }
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tf.io.getModelArtifactsForJSONSync(json, specs, weightData);
}
