/**
 * The key/value cache of a tier-2 decoder: per layer, the self-attention keys and values `[B, N, S, H]` of the S
 * positions decoded so far (grown by each step) and, for an encoder–decoder, the cross-attention keys and values
 * of the memory (computed once per source). It owns its tensors: `dispose()` frees them. Follows: Pope et al.
 * 2022, "Efficiently Scaling Transformer Inference" §2 (the KV cache); tier 1's `cachedAttend`.
 */
import * as tf from "@tensorflow/tfjs";
import type { KeyValueHeads } from "../layers/multiHeadAttention.js";

/** A decoder's cached keys and values, one entry per layer. */
export class KeyValueCache {
  /** Self-attention keys and values per layer, `[B, N, S, H]`; `null` before the first step. */
  private selfKv: (KeyValueHeads | null)[];
  /** Cross-attention keys and values of the memory per layer, `[B, N, S_src, H]` (encoder–decoder only). */
  private crossKv: KeyValueHeads[];
  /** The memory's valid lengths `[B]` (encoder–decoder only). */
  private lens: tf.Tensor | undefined;
  private disposed = false;

  /**
   * An empty cache for `numLayers` layers; `cross` (one per layer) and `memoryValidLens` are taken over: the
   * cache disposes them.
   */
  constructor(numLayers: number, cross: KeyValueHeads[] = [], memoryValidLens?: tf.Tensor) {
    if (!Number.isInteger(numLayers) || numLayers < 1) {
      throw new RangeError(`KeyValueCache: numLayers must be an integer ≥ 1, got ${numLayers}`);
    }
    if (cross.length !== 0 && cross.length !== numLayers) {
      throw new RangeError(
        `KeyValueCache: cross has ${cross.length} entries, expected ${numLayers} (one per layer)`,
      );
    }
    this.selfKv = new Array<KeyValueHeads | null>(numLayers).fill(null);
    this.crossKv = cross.map((kv) => keepBoth(kv));
    this.lens = memoryValidLens === undefined ? undefined : tf.keep(memoryValidLens);
  }

  /** Number of layers. */
  get numLayers(): number {
    return this.selfKv.length;
  }

  /** Positions cached so far, S (0 before the first step). */
  get length(): number {
    return this.selfKv[0]?.keys.shape[2] ?? 0;
  }

  /** Bytes of the cached self-attention keys and values (float32): 2·L·B·N·S·H·4. */
  get bytes(): number {
    return this.selfKv.reduce((a, kv) => a + (kv === null ? 0 : 8 * kv.keys.size), 0);
  }

  /** Layer `i`'s self-attention keys and values, `null` before the first step. */
  self(i: number): KeyValueHeads | null {
    this.check(i);
    return this.selfKv[i]!;
  }

  /** Layer `i`'s cross-attention keys and values of the memory. */
  cross(i: number): KeyValueHeads {
    this.check(i);
    const kv = this.crossKv[i];
    if (kv === undefined)
      throw new Error("KeyValueCache: no cross-attention keys and values (a decoder-only cache)");
    return kv;
  }

  /** The memory's valid lengths `[B]`, when the source is padded. */
  get memoryValidLens(): tf.Tensor | undefined {
    return this.lens;
  }

  /** Replaces layer `i`'s self-attention keys and values by `kv` (kept; the old ones are disposed). */
  update(i: number, kv: KeyValueHeads): void {
    this.check(i);
    const old = this.selfKv[i];
    this.selfKv[i] = keepBoth(kv);
    if (old !== null && old !== undefined) tf.dispose([old.keys, old.values]);
  }

  /**
   * Keeps rows `rows` of the batch, in that order (beam search: the beams each new beam grew from): every cached
   * tensor is gathered along axis 0.
   */
  reorder(rows: readonly number[]): void {
    this.check(0);
    const b = (this.selfKv[0] ?? this.crossKv[0])?.keys.shape[0];
    if (b !== undefined && rows.some((r) => !Number.isInteger(r) || r < 0 || r >= b)) {
      throw new RangeError(`KeyValueCache.reorder: rows must be integers in [0, ${b - 1}], got [${rows}]`);
    }
    const gather = (t: tf.Tensor) => tf.tidy(() => tf.gather(t, tf.tensor1d(rows as number[], "int32"), 0));
    const move = (kv: KeyValueHeads) => {
      const next = { keys: gather(kv.keys), values: gather(kv.values) };
      tf.dispose([kv.keys, kv.values]);
      return keepBoth(next);
    };
    this.selfKv = this.selfKv.map((kv) => (kv === null ? null : move(kv)));
    this.crossKv = this.crossKv.map(move);
    if (this.lens !== undefined) {
      const old = this.lens;
      this.lens = tf.keep(gather(old));
      old.dispose();
    }
  }

  /** Frees every cached tensor; the cache cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const all = [...this.selfKv.filter((kv) => kv !== null), ...this.crossKv];
    tf.dispose([
      ...all.flatMap((kv) => [kv.keys, kv.values]),
      ...(this.lens === undefined ? [] : [this.lens]),
    ]);
  }

  private check(i: number): void {
    if (this.disposed) throw new Error("KeyValueCache: used after dispose()");
    if (!Number.isInteger(i) || i < 0 || i >= this.selfKv.length) {
      throw new RangeError(
        `KeyValueCache: layer must be an integer in [0, ${this.selfKv.length - 1}], got ${i}`,
      );
    }
  }
}

function keepBoth(kv: KeyValueHeads): KeyValueHeads {
  return { keys: tf.keep(kv.keys), values: tf.keep(kv.values) };
}

/**
 * Rows `start … start + count − 1` of a positional layer's signal, `[1, count, E]`: what the layer adds to the
 * positions a cached step feeds (the layer adds rows 0 … T−1 to a `[B, T, E]` input, so this applies it to zeros
 * of length start + count and keeps the last `count` rows; 0 + p = p exactly, so the sums equal an uncached pass).
 */
export function positionRows(layer: tf.layers.Layer, start: number, count: number, e: number): tf.Tensor {
  return tf.tidy(() => {
    const all = layer.apply(tf.zeros([1, start + count, e])) as tf.Tensor; // [1, start + count, E]
    return tf.slice(all, [0, start, 0], [1, count, e]); // [1, count, E]
  });
}
