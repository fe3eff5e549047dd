/**
 * The allowed settings of an experiment, derived once from its full-mode `defaults`: only those keys, each of the
 * default's kind (integers stay integers, booleans booleans, arrays arrays of the same element kind), refined by
 * the experiment's optional `configRules`. Every path that takes a config (runExperiment, quick overrides,
 * `records verify`, notebook parameters passed as overrides) checks it here, through the strict-options checker.
 */
import { checkValue, describeValue, type OptionRule, type OptionSpec, opt } from "../check/options.js";
import { canonicalJson } from "../records/record.js";

/** What the spec is derived from: an experiment's defaults and optional per-key rules. */
export interface ConfigSource {
  name: string;
  defaults: Record<string, unknown>;
  configRules?: Readonly<Record<string, OptionRule | undefined>>;
}

/**
 * The rule a default value implies: a whole number → a non-negative integer (the seed: a 32-bit unsigned integer), another
 * number → a finite number (non-negative when the default is), a boolean, a string, a nested object of the same
 * keys; arrays and anything else are `any` here and checked by {@link checkExperimentConfig}.
 * @example ruleFromDefault("epochs", 8); // { kind: "number", integer: true, min: 0 }
 */
export function ruleFromDefault(key: string, value: unknown): OptionRule {
  if (typeof value === "boolean") return opt.boolean();
  if (typeof value === "string") return opt.string();
  if (typeof value === "number") {
    if (key === "seed") return opt.integer({ min: 0, max: 2 ** 32 - 1 });
    if (Number.isInteger(value)) return value >= 0 ? opt.integer({ min: 0 }) : opt.integer();
    return value >= 0 ? opt.number({ min: 0 }) : opt.number();
  }
  if (isPlainObject(value)) {
    return opt.object(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ruleFromDefault(k, v)])));
  }
  return opt.any();
}

/**
 * The case-config vocabulary of docs/glossary.md: a key of one of these names means the same in every case, so
 * it has the same rule everywhere (a count of examples or epochs is at least 1, a rate or temperature above 0, a
 * fraction strictly between 0 and 1) without each case restating it in `configRules`.
 */
export const CONFIG_VOCABULARY: Readonly<Record<string, OptionRule>> = {
  trainSize: opt.integer({ min: 1 }),
  validationSize: opt.integer({ min: 1 }),
  testSize: opt.integer({ min: 1 }),
  epochs: opt.integer({ min: 1 }),
  batchSize: opt.integer({ min: 1 }),
  learningRate: opt.number({ above: 0 }),
  temperature: opt.number({ above: 0 }),
  testFraction: opt.number({ above: 0, below: 1 }),
  validationFraction: opt.number({ above: 0, below: 1 }),
  dModel: opt.integer({ min: 1 }),
  hiddenSize: opt.integer({ min: 1 }),
  embedSize: opt.integer({ min: 1 }),
};

/**
 * The spec of an experiment's config: one rule per key of `defaults` — the experiment's `configRules` first, then
 * the vocabulary's rule for that name, then the rule its default implies.
 */
export function experimentConfigSpec(source: ConfigSource): OptionSpec {
  return Object.fromEntries(
    Object.entries(source.defaults).map(([k, v]) => [
      k,
      source.configRules?.[k] ?? CONFIG_VOCABULARY[k] ?? ruleFromDefault(k, v),
    ]),
  );
}

/**
 * Checks a (partial) config against the experiment's spec and returns it. Errors start with `where` and name
 * the key as `name.key` (default `config`): an unknown key (with a did-you-mean and the allowed keys), a value of the wrong kind, out of range,
 * or an array whose elements are not of the default's element kind.
 * @example checkExperimentConfig("runExperiment(copy-task)", copyTaskExperiment, { epoch: 2 }); // throws 'runExperiment(copy-task): unknown option "config.epoch" (did you mean "epochs"?); allowed options: seed, …'
 */
export function checkExperimentConfig<T extends object>(
  where: string,
  source: ConfigSource,
  config: T,
  name = "config",
): T {
  const spec = experimentConfigSpec(source);
  checkValue(where, name, config, opt.object(spec, { required: true }));
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    const fallback = source.defaults[key];
    if (Array.isArray(fallback) && spec[key]?.kind === "any")
      checkArray(where, `${name}.${key}`, value, fallback);
  }
  return config;
}

/** An array setting: an array (non-empty when the default is), each element of the first default element's kind. */
function checkArray(where: string, path: string, value: unknown, fallback: readonly unknown[]): void {
  if (!Array.isArray(value)) {
    throw new TypeError(
      `${where}: ${path} must be an array like the default ${JSON.stringify(fallback)}, got ${describeValue(value)}`,
    );
  }
  if (fallback.length > 0 && value.length === 0) {
    throw new RangeError(`${where}: ${path} must not be empty (default ${JSON.stringify(fallback)})`);
  }
  if (fallback.length === 0) return;
  const rule = ruleFromDefault("", fallback[0]);
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) throw new TypeError(`${where}: ${path}[${i}] is missing (a sparse array)`);
    checkValue(where, `${path}[${i}]`, value[i], { ...rule, required: true } as OptionRule);
  }
}

/** Is `config` the experiment's full-mode config (its `defaults`, with any seed)? A record is quick otherwise. */
export function isFullConfig(source: ConfigSource, config: Record<string, unknown>): boolean {
  const { seed: _a, ...full } = source.defaults;
  const { seed: _b, ...given } = config;
  return canonicalJson(full) === canonicalJson(given);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
