/**
 * Einsum for tfjs-wasm, the same subset tfjs supports (one or two operands, no ellipsis, no repeated index in
 * one operand). Follows the reduction of a two-operand einsum to one batched matrix product (as in NumPy's
 * `tensordot`/opt_einsum): indices are sorted into batch, free and contracted groups, each operand is
 * transposed to `[batch, free, contracted]`, multiplied, and the result transposed to the output order.
 */
import * as tf from "@tensorflow/tfjs";
import { opKernel } from "./opKernel.js";

/** Attributes of the Einsum kernel (tfjs-core `EinsumAttrs`). */
export interface EinsumAttrs {
  equation: string;
}

/** Product of the sizes of `dims` (labels) in a label → size map. */
const sizeOf = (dims: string[], sizes: Map<string, number>): number =>
  dims.reduce((p, d) => p * sizes.get(d)!, 1);

/** Sums away the labels of `t` (labelled `labels`) not in `keep`; returns the tensor and its labels. */
function sumOut(t: tf.Tensor, labels: string[], keep: Set<string>): [tf.Tensor, string[]] {
  const axes = labels.flatMap((l, k) => (keep.has(l) ? [] : [k]));
  if (axes.length === 0) return [t, labels];
  return [tf.sum(t, axes), labels.filter((l) => keep.has(l))];
}

/** Transposes `t` (labelled `labels`) so its labels read `order`; a no-op when they already do. */
function arrange(t: tf.Tensor, labels: string[], order: string[]): tf.Tensor {
  const perm = order.map((l) => labels.indexOf(l));
  return perm.every((p, k) => p === k) ? t : tf.transpose(t, perm);
}

/** `[nb, nA, nc] · [nb, nc, nB]`; a plain 2-D matMul when nb = 1 (wasm's fast path); exact for int32. */
function contract(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor {
  if (a.dtype !== "float32") return tf.sum(tf.mul(tf.expandDims(a, 3), tf.expandDims(b, 1)), 2); // [nb, nA, nB]
  if (a.shape[0] === 1)
    return tf.matMul(tf.squeeze(a, [0]) as tf.Tensor2D, tf.squeeze(b, [0]) as tf.Tensor2D);
  return tf.matMul(a, b); // [nb, nA, nB]
}

/**
 * Evaluates `equation` (e.g. "bij,bjk->bik") on one or two tensors.
 * @returns the tensor whose axes are the output labels, in order
 * @example
 *   einsum("ij,jk->ik", tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])); // [[11]]
 *   einsum("ij->j", tf.tensor2d([[1, 2], [3, 4]])); // [4, 6]
 */
export function einsum(equation: string, ...tensors: tf.Tensor[]): tf.Tensor {
  // tfjs's own parser: same errors and limits as the cpu kernel
  const { allDims, summedDims, idDims } = tf.backend_util.decodeEinsumEquation(equation, tensors.length);
  tf.backend_util.checkEinsumDimSizes(allDims.length, idDims, tensors);
  const outLabels = allDims.slice(0, allDims.length - summedDims.length);
  const labels = idDims.map((ids) => ids.map((k) => allDims[k]!));
  const sizes = new Map<string, number>();
  tensors.forEach((t, n) => labels[n]!.forEach((l, k) => sizes.set(l, t.shape[k]!)));
  return tf.tidy(() => {
    const out = new Set(outLabels);
    if (tensors.length === 1) {
      const [t, ls] = sumOut(tensors[0]!, labels[0]!, out);
      return arrange(t, ls, outLabels);
    }
    // 1) sum labels that appear in one operand only and not in the output
    const [la, lb] = [new Set(labels[0]), new Set(labels[1])];
    const [a, aLabels] = sumOut(tensors[0]!, labels[0]!, new Set([...out, ...lb]));
    const [b, bLabels] = sumOut(tensors[1]!, labels[1]!, new Set([...out, ...la]));
    // 2) group: batch (both + output), free (one + output), contracted (both, not output)
    const batch = outLabels.filter((l) => la.has(l) && lb.has(l));
    const freeA = outLabels.filter((l) => la.has(l) && !lb.has(l));
    const freeB = outLabels.filter((l) => lb.has(l) && !la.has(l));
    const contracted = aLabels.filter((l) => lb.has(l) && !out.has(l));
    const [nb, na, nB, nc] = [batch, freeA, freeB, contracted].map((ls) => sizeOf(ls, sizes)) as number[];
    // 3) one (batched) matrix product
    const a3 = tf.reshape(arrange(a, aLabels, [...batch, ...freeA, ...contracted]), [nb!, na!, nc!]); // [nb, nA, nc]
    const b3 = tf.reshape(arrange(b, bLabels, [...batch, ...contracted, ...freeB]), [nb!, nc!, nB!]); // [nb, nc, nB]
    const product = contract(a3 as tf.Tensor3D, b3 as tf.Tensor3D); // [nb, nA, nB]
    // 4) unflatten and put the labels in output order
    const grouped = [...batch, ...freeA, ...freeB];
    const groupedShape = grouped.map((l) => sizes.get(l)!);
    const unflat = tf.reshape(product, groupedShape); // [...batch, ...freeA, ...freeB]
    return arrange(unflat, grouped, outLabels);
  });
}

/** Kernel config registering {@link einsum} as "Einsum" on `backendName`. */
export function einsumKernel(backendName = "wasm"): tf.KernelConfig {
  return opKernel<EinsumAttrs>("Einsum", backendName, (inputs, attrs) =>
    einsum(
      attrs.equation,
      ...Object.keys(inputs)
        .sort((p, q) => Number(p) - Number(q))
        .map((k) => inputs[k]!),
    ),
  );
}
