/**
 * Strict layer arguments for every tier-2 layer and model: a layer's own option spec merged with tfjs's base
 * `LayerArgs` keys and checked by `checkOptions`, so a misspelt key or an unknown value is an error while
 * `fromConfig(getConfig())` still round-trips; and the same for call options (`training` and tfjs's upstream
 * `mask` are always allowed keys). Follows: tfjs-layers `engine/topology.ts` (`LayerArgs`, `Layer.getConfig`).
 */
import type * as tf from "@tensorflow/tfjs";
import { checkOptions, type OptionRule, type OptionSpec, opt } from "../check/options.js";

/** tfjs's own `LayerArgs` (`name`, `trainable`, `inputShape`, `dtype`, …). */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

const DTYPES = ["float32", "int32", "bool", "complex64", "string"] as const;

/** The keys of tfjs's `LayerArgs` (what `Layer.getConfig` writes and `new Layer(args)` reads), and `customObjects`. */
export const BASE_LAYER_SPEC: OptionSpec = {
  name: opt.string({ nonEmpty: true }),
  trainable: opt.boolean(),
  inputShape: opt.any(),
  batchInputShape: opt.any(),
  batchSize: opt.integer({ min: 1 }),
  dtype: opt.oneOf(DTYPES),
  weights: opt.any(),
  inputDType: opt.oneOf(DTYPES),
  /** Added to a layer's config by tfjs's deserializer (`deserializeKerasObject`) when it loads a model. */
  customObjects: opt.any(),
};

/** Seeds of initializers and dropout: integers ≥ 0 (composite layers derive their sublayers' seeds from them). */
export const SEED = opt.integer({ min: 0 });
/** Dropout rates. */
export const RATE = opt.number({ min: 0, below: 1 });
/** Widths, counts and sizes. */
export const SIZE = (extra: { required?: boolean; max?: number } = {}): OptionRule =>
  opt.integer({ min: 1, ...extra });
/** Sequence-length limits (positional tables, decoders): a guard against huge allocations. */
export const MAX_LENGTH = (extra: { required?: boolean } = {}): OptionRule =>
  opt.integer({ min: 1, max: 1_000_000, ...extra });

/**
 * Checks a layer's constructor arguments against `spec` plus the base `LayerArgs` keys (keys in `nullable` may
 * also be `null`, as a config read back from JSON has them) and returns them. Messages start with `where`.
 * @example
 *   checkLayerArgs("LayerNorm", { epsilon: 1e-5, name: "ln" }, { epsilon: opt.number({ above: 0 }) }); // the args
 *   errorOf(() => checkLayerArgs("LayerNorm", { epsilom: 1 }, { epsilon: opt.number() })); // 'TypeError: LayerNorm: unknown option "epsilom" (did you mean "epsilon"?); allowed options: epsilon, name, …'
 */
export function checkLayerArgs<T extends object>(
  where: string,
  args: T | undefined,
  spec: OptionSpec,
  nullable: readonly string[] = [],
): T {
  const given = args as Record<string, unknown> | undefined;
  const stripped =
    given !== null && typeof given === "object" && nullable.some((k) => given[k] === null)
      ? Object.fromEntries(Object.entries(given).filter(([k, v]) => !(v === null && nullable.includes(k))))
      : given;
  checkOptions(where, stripped, { ...spec, ...BASE_LAYER_SPEC });
  for (const key of ["inputShape", "batchInputShape"] as const) checkShape(where, key, given?.[key]);
  return (args ?? {}) as T;
}

/** The base `LayerArgs` part of `args`, to hand to `super` (so `trainable`, `dtype`, … round-trip). */
export function baseLayerArgs(args: object | undefined): BaseLayerArgs {
  const given = (args ?? {}) as Record<string, unknown>;
  const base: Record<string, unknown> = {};
  for (const key of Object.keys(BASE_LAYER_SPEC)) if (given[key] !== undefined) base[key] = given[key];
  return base as BaseLayerArgs;
}

/** The part of `args` outside the base `LayerArgs` keys (a model's own config). */
export function ownArgs<T extends object>(args: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(args ?? {}).filter(([k]) => !Object.hasOwn(BASE_LAYER_SPEC, k)),
  ) as Partial<T>;
}

/** How a layer treats tfjs's upstream `mask` call option (set by a masking layer such as `embedding({ maskZero })`). */
export type UpstreamMask = "accept" | { refuse: string };

/**
 * Checks a layer's call options against `spec` plus `training` (a boolean) and `mask`, and returns them. A layer
 * that does not `accept` upstream masks refuses a non-null `mask` with the hint in `refuse`.
 * @example checkCallArgs("LayerNorm", { training: true }, {}, { refuse: "" }); // { training: true }
 */
export function checkCallArgs<T extends object>(
  where: string,
  kwargs: T | undefined,
  spec: OptionSpec,
  mask: UpstreamMask,
): T {
  checkOptions(where, kwargs, { training: opt.boolean(), mask: opt.any(), ...spec });
  const upstream = (kwargs as { mask?: unknown } | undefined)?.mask;
  if (mask !== "accept" && hasMask(upstream)) {
    throw new TypeError(
      `${where}: options.mask (tfjs's upstream mask from a masking layer) is not supported here${mask.refuse}`,
    );
  }
  return (kwargs ?? {}) as T;
}

/** True when an upstream mask (a tensor, or a list with any tensor) is present. */
function hasMask(mask: unknown): boolean {
  if (mask === undefined || mask === null) return false;
  return Array.isArray(mask) ? mask.some((m) => m !== undefined && m !== null) : true;
}

/** An input shape: an array of integers ≥ 1, `null` where unknown. */
function checkShape(where: string, key: string, shape: unknown): void {
  if (shape === undefined || shape === null) return;
  const ok = Array.isArray(shape) && shape.every((d) => d === null || (Number.isInteger(d) && d >= 1));
  if (!ok) {
    throw new TypeError(
      `${where}: options.${key} must be an array of integers ≥ 1 (null where unknown), got ${JSON.stringify(shape)}`,
    );
  }
}
