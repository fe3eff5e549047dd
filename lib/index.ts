/**
 * attnlab — a teaching kit for attention mechanisms.
 * Tier 1 (`math`): step-by-step attention on plain arrays. Each public function is re-exported here.
 */
export * from "./math/index.js";
export * from "./check/selfCheck.js";
export * from "./exercises/index.js";
export { checkOptions, checkValue, type OptionRule, type OptionSpec, opt } from "./check/options.js";
export * from "./random/childSeed.js";
export * from "./random/drawSplits.js";
export * from "./random/prng.js";
export * from "./random/round.js";
export * from "./plot/index.js";
export * from "./display/index.js";
export * from "./metrics/index.js";
export {
  InterruptedError,
  interrupted,
  interruptionPoint,
  throwIfInterrupted,
} from "./train/interrupt.js";
