/**
 * The values of tier-2 masks, read and checked at the API boundary as tier 1 checks them (lib/math/mask.ts):
 * valid lengths are integers in [0, S], explicit masks are 0/1 (or booleans), given as tensors, (nested) number
 * or boolean arrays, or typed arrays. A tensor that passed is remembered (tensors are immutable), so a mask that
 * a model hands to every layer is read once, not once per layer.
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue } from "../check/options.js";

/** Valid lengths or a mask as given: a tensor, a (nested) number or boolean array, or a typed array. */
export type MaskInput = tf.Tensor | tf.TensorLike;

/** The shapes a mask may have, with their letters for messages: `{ shapes: [[2], [2, 3]], letters: "B, T" }`. */
export interface MaskShapes {
  shapes: number[][];
  letters: string;
}

/** Valid lengths read back: the largest value, for tensors whose values are all integers ≥ 0. */
const lensMax = new WeakMap<tf.Tensor, number>();
/** Tensors whose values are all 0 or 1. */
const binary = new WeakSet<tf.Tensor>();

/**
 * Valid lengths `value` checked: one of `shapes`, integers in [0, max] (`what` says what max is). Returns `value`
 * itself when it is a tensor, else a new float32 tensor (dispose it, or call inside `tf.tidy`).
 * @example errorOf(() => checkedLens("attend", "validLens", [2, 1.5], { shapes: [[2]], letters: "B" }, 5, "the number of keys")); // 'RangeError: attend: validLens[1] must be an integer in [0, 5] (the number of keys), got 1.5'
 */
export function checkedLens(
  where: string,
  name: string,
  value: MaskInput,
  shapes: MaskShapes,
  max: number,
  what: string,
): tf.Tensor {
  const shape = checkShape(where, name, value, shapes);
  if (value instanceof tf.Tensor && (lensMax.get(value) ?? Infinity) <= max) return value;
  const values = readValues(where, name, value);
  let largest = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!Number.isInteger(v) || v < 0 || v > max) {
      throw new RangeError(
        `${where}: ${name}${indexOf(k, shape)} must be an integer in [0, ${max}] (${what}), got ${v}`,
      );
    }
    largest = Math.max(largest, v);
  }
  if (value instanceof tf.Tensor) {
    if (!(value instanceof tf.Variable)) lensMax.set(value, largest);
    return value;
  }
  return tf.tensor(Array.from(values), shape, "float32");
}

/**
 * An explicit mask `value` checked: one of `shapes`, every entry 0 or 1 (or a boolean; 1 = attend). Returns
 * `value` itself when it is a tensor, else a new float32 tensor (dispose it, or call inside `tf.tidy`).
 */
export function checkedMask(where: string, name: string, value: MaskInput, shapes: MaskShapes): tf.Tensor {
  const shape = checkShape(where, name, value, shapes);
  if (value instanceof tf.Tensor && binary.has(value)) return value;
  const values = readValues(where, name, value);
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (v !== 0 && v !== 1) {
      throw new RangeError(`${where}: ${name}${indexOf(k, shape)} must be 0 or 1 (or a boolean), got ${v}`);
    }
  }
  if (value instanceof tf.Tensor) {
    if (!(value instanceof tf.Variable)) binary.add(value);
    return value;
  }
  return tf.tensor(Array.from(values), shape, "float32");
}

/**
 * Padding of a memory `[B, S, …]` (valid lengths `[B]` in [0, S], a mask `[B, S]` of 0/1) checked once, as
 * tensors, for a decoder that attends over it step by step (call inside `tf.tidy`).
 */
export function memoryMasks(
  where: string,
  memory: tf.Tensor,
  masks: { validLens?: MaskInput; attentionMask?: MaskInput },
): { validLens?: tf.Tensor; attentionMask?: tf.Tensor } {
  const [b, s] = memory.shape as [number, number];
  const { validLens: lens, attentionMask: mask } = masks;
  return {
    validLens:
      lens === undefined
        ? undefined
        : checkedLens(where, "validLens", lens, { shapes: [[b]], letters: "B" }, s, "the memory length"),
    attentionMask:
      mask === undefined
        ? undefined
        : checkedMask(where, "attentionMask", mask, { shapes: [[b, s]], letters: "B, S" }),
  };
}

/** The shape of `value` (a tensor's, or an array's after checking it is rectangular), one of `allowed`. */
function checkShape(where: string, name: string, value: MaskInput, allowed: MaskShapes): number[] {
  const shape = value instanceof tf.Tensor ? value.shape : arrayShape(where, name, value);
  if (!allowed.shapes.some((s) => s.length === shape.length && s.every((d, i) => d === shape[i]))) {
    const needs = allowed.shapes.map((s) => `[${s.join(", ")}]`).join(" or ");
    throw new RangeError(
      `${where}: ${name} has shape [${shape.join(", ")}] but needs ${needs} (${allowed.letters})`,
    );
  }
  return shape;
}

/** The values of a tensor (one `dataSync`) or of a checked array, booleans as 0/1. */
function readValues(where: string, name: string, value: MaskInput): ArrayLike<number> {
  if (!(value instanceof tf.Tensor)) return flatten(value);
  if (value.dtype === "string" || value.dtype === "complex64") {
    throw new TypeError(`${where}: ${name} must be a numeric or boolean tensor, got dtype ${value.dtype}`);
  }
  return value.dataSync() as ArrayLike<number>;
}

function isList(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/** The shape of a nested array, checking that it is rectangular, dense, and holds numbers or booleans. */
function arrayShape(where: string, name: string, value: unknown): number[] {
  if (!isList(value)) {
    throw new TypeError(
      `${where}: ${name} must be a tensor, an array or a typed array of numbers, got ${describeValue(value)}`,
    );
  }
  const shape: number[] = [];
  for (let v: unknown = value; isList(v); v = v[0]) shape.push(v.length);
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== "number" && typeof v !== "boolean") {
        throw new TypeError(`${where}: ${name}${path} must be a number, got ${describeValue(v)}`);
      }
      return;
    }
    if (!isList(v) || v.length !== shape[depth]) {
      throw new RangeError(
        `${where}: ${name} is ragged: ${name}${path} has ${isList(v) ? `length ${v.length}` : describeValue(v)}, not ${shape[depth]}`,
      );
    }
    for (let i = 0; i < v.length; i++) {
      if (Array.isArray(v) && !(i in v))
        throw new TypeError(`${where}: ${name}${path}[${i}] is missing (a sparse array)`);
      walk(v[i], depth + 1, `${path}[${i}]`);
    }
  };
  walk(value, 0, "");
  return shape;
}

/** A checked nested array's entries in row-major order, booleans as 0/1. */
function flatten(value: unknown, out: number[] = []): number[] {
  if (!isList(value)) {
    out.push(typeof value === "boolean" ? Number(value) : (value as number));
    return out;
  }
  for (let i = 0; i < value.length; i++) flatten(value[i], out);
  return out;
}

/** `[1][2]`: the index of flat entry `k` in `shape`. */
function indexOf(k: number, shape: number[]): string {
  const parts: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    parts.unshift(k % shape[d]!);
    k = Math.floor(k / shape[d]!);
  }
  return parts.map((p) => `[${p}]`).join("");
}
