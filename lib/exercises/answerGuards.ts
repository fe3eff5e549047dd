/**
 * Type guards for reading a learner's answer, shared by the exercise sets: an answer is `unknown` until a guard
 * says what it is, so a check never throws on a wrong shape and can name what is off.
 */

/** A plain object (not null, not an array): an answer such as `{ model, auc }`. */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A finite number (not NaN, not ±Infinity). */
export const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
