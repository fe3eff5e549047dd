/**
 * attnlab — a teaching kit for attention mechanisms.
 * Tier 1 (`math`): step-by-step attention on plain arrays. Each public function is re-exported here.
 */
export * from "./math/index.js";
export * from "./random/prng.js";
