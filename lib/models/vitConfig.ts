/**
 * The one typed configuration of the Vision Transformer {@link Vit}, its defaults, named presets and its
 * parameter count. Follows: Dosovitskiy et al. 2021 Table 1 (layers, hidden size D, MLP size, heads; patch size
 * P), scaled down to the kit's 24×24 shapes; nanoGPT `GPTConfig` for the form.
 */
import { type OptionSpec, opt } from "../check/options.js";
import { RATE, SEED, SIZE } from "../layers/layerOptions.js";
import { resolveConfig } from "./resolveConfig.js";

/** Every setting of a ViT. */
export interface VitConfig {
  /** Image height, width and channels of the input `[B, height, width, channels]`. */
  height: number;
  width: number;
  channels: number;
  /** Side P of the square patches (it must divide height and width): N = (height/P)·(width/P) patch tokens. */
  patchSize: number;
  /** Classes K of the head. */
  classes: number;
  /** Model width D (the paper's "hidden size"). */
  dModel: number;
  /** Heads per self-attention (dModel must be divisible by it). */
  numHeads: number;
  /** Hidden width of each MLP block (the paper's "MLP size"). */
  dFF: number;
  /** Encoder blocks L (≥ 1). */
  numLayers: number;
  /** Dropout while training (after the position embeddings, on attention weights, in each block), in [0, 1). */
  dropout: number;
  /** MLP activation (the paper uses GELU). */
  activation: "relu" | "gelu";
  /** Seed of every initializer and of dropout. */
  seed: number;
}

/** Defaults: the `small` preset on 24×24 grey images with 3 classes, 4×4 patches (36 patch tokens + 1). */
export const DEFAULTS: VitConfig = {
  height: 24,
  width: 24,
  channels: 1,
  patchSize: 4,
  classes: 3,
  dModel: 32,
  numHeads: 4,
  dFF: 64,
  numLayers: 2,
  dropout: 0,
  activation: "gelu",
  seed: 0,
};

/** Named sizes: `tiny` for tests, `small` for the shapes data on 2 CPU cores. */
export const PRESETS = {
  tiny: { dModel: 16, numHeads: 2, dFF: 32, numLayers: 1 },
  small: { dModel: 32, numHeads: 4, dFF: 64, numLayers: 2 },
} as const satisfies Record<string, Partial<VitConfig>>;

/** The rules of every {@link VitConfig} key. */
export const VIT_CONFIG_SPEC: OptionSpec = {
  height: SIZE({ max: 4096 }),
  width: SIZE({ max: 4096 }),
  channels: SIZE({ max: 64 }),
  patchSize: SIZE(),
  classes: SIZE(),
  dModel: SIZE(),
  numHeads: SIZE(),
  dFF: SIZE(),
  numLayers: SIZE(),
  dropout: RATE,
  activation: opt.oneOf(["relu", "gelu"]),
  seed: SEED,
};

/**
 * A full config: DEFAULTS, then the preset, then `overrides`. Unknown keys, bad values, a patchSize that does
 * not divide the height and width, and a numHeads that does not divide dModel are errors naming the key;
 * messages start with `where`.
 * @example vitConfig({ patchSize: 6 }, "tiny").dModel; // 16
 */
export function vitConfig(
  overrides: Partial<VitConfig> = {},
  preset?: keyof typeof PRESETS,
  where = "vitConfig",
): VitConfig {
  const c = resolveConfig(where, overrides, VIT_CONFIG_SPEC, DEFAULTS, PRESETS, preset);
  if (c.height % c.patchSize !== 0 || c.width % c.patchSize !== 0) {
    throw new RangeError(
      `${where}: patchSize ${c.patchSize} must divide the height ${c.height} and the width ${c.width} (the image is cut into whole patches)`,
    );
  }
  const headSize = c.dModel / c.numHeads;
  if (!Number.isInteger(headSize)) {
    throw new RangeError(
      `${where}: dModel ${c.dModel} is not divisible by numHeads ${c.numHeads} (head size ${headSize})`,
    );
  }
  return c;
}

/**
 * Patch tokens N = (height / P)·(width / P) of a config, and the grid `[rows, cols]` they form.
 * @example vitPatchGrid({ height: 24, width: 24, patchSize: 4 }); // { rows: 6, cols: 6, patches: 36 }
 */
export function vitPatchGrid(config: Partial<VitConfig> = {}): {
  rows: number;
  cols: number;
  patches: number;
} {
  const c = vitConfig(config, undefined, "vitPatchGrid");
  const [rows, cols] = [c.height / c.patchSize, c.width / c.patchSize];
  return { rows, cols, patches: rows * cols };
}

/**
 * Trainable parameters of a ViT with `config` (any {@link VitConfig} keys over DEFAULTS), by the formula
 * (P²C + 1)·D (patch projection E and its bias) + D (class token) + (N + 1)·D (positions E_pos) +
 * L·(4D² + 4D + 2D·dFF + dFF + D + 4D) (attention with biases, MLP, two LayerNorms) + 2D (final LayerNorm) +
 * D·K + K (head).
 * @example vitParameterCount({ height: 4, width: 4, patchSize: 2, classes: 2, dModel: 4, numHeads: 2, dFF: 8, numLayers: 1 }); // 234
 */
export function vitParameterCount(config: Partial<VitConfig> = {}): number {
  const c = vitConfig(config, undefined, "vitParameterCount");
  const [d, f, k] = [c.dModel, c.dFF, c.classes];
  const n = (c.height / c.patchSize) * (c.width / c.patchSize);
  const block = 4 * d * d + 4 * d + 2 * d * f + f + d + 4 * d;
  return (c.patchSize ** 2 * c.channels + 1) * d + d + (n + 1) * d + c.numLayers * block + 2 * d + d * k + k;
}
