/**
 * The weights files of a model folder and their integrity record: each save writes its weights under a name
 * derived from their sha256 (`weights.<16 hex>.bin`) and lists `{ path, byteLength, sha256 }` in model.json's
 * `weightsFiles`, so model.json names exactly the bytes it was saved with and a loader can check them.
 */
import { createHash } from "node:crypto";
import type * as tf from "@tensorflow/tfjs";

/** One weights file as model.json records it. */
export interface WeightsFileEntry {
  /** File name inside the model folder. */
  path: string;
  byteLength: number;
  /** Lower-case hex sha256 of the file's bytes. */
  sha256: string;
}

/** Names a weights file may have (this format's, and the fixed `weights.bin` of older saves). */
export const WEIGHTS_FILE_NAME = /^weights(\.[0-9a-f]{16})?\.bin$/;

/** A file name inside the folder: no separators, not `.` or `..`. */
export const PLAIN_FILE_NAME = /^(?!\.{1,2}$)[^/\\\0]+$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The integrity entry of `bytes`, named by their hash. */
export function weightsEntry(bytes: Uint8Array): WeightsFileEntry {
  const sha256 = sha256Hex(bytes);
  return { path: `weights.${sha256.slice(0, 16)}.bin`, byteLength: bytes.byteLength, sha256 };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** The bytes `specs` describe, or undefined when some spec is quantized or of a variable-size dtype. */
export function specBytes(specs: readonly tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const perValue = spec.quantization ? undefined : DTYPE_BYTES[spec.dtype];
    if (perValue === undefined) return undefined;
    total += size * perValue;
  }
  return total;
}

/** The entries of a parsed model.json's `weightsFiles`, or undefined when it has none (an older save). */
export function recordedEntries(
  where: string,
  json: Record<string, unknown>,
): WeightsFileEntry[] | undefined {
  const list = json.weightsFiles;
  if (list === undefined) return undefined;
  const valid = (e: unknown): e is WeightsFileEntry => {
    const x = e as Partial<WeightsFileEntry> | null;
    return (
      typeof x === "object" &&
      x !== null &&
      typeof x.path === "string" &&
      PLAIN_FILE_NAME.test(x.path) &&
      Number.isSafeInteger(x.byteLength) &&
      (x.byteLength as number) >= 0 &&
      typeof x.sha256 === "string" &&
      /^[0-9a-f]{64}$/.test(x.sha256)
    );
  };
  if (!Array.isArray(list) || !list.every(valid)) {
    throw new Error(`${where}: its weightsFiles must list { path, byteLength, sha256 } entries`);
  }
  return list;
}
