/** Argument checks shared by the metrics: equal lengths, finite numbers, non-empty input. */

/** Throws a RangeError naming both arguments when their lengths differ or they are empty. */
export function checkPair(fn: string, a: string, aLen: number, b: string, bLen: number): void {
  if (aLen !== bLen) {
    throw new RangeError(`${fn}: ${a} has ${aLen} entries but ${b} has ${bLen}; they must match one to one`);
  }
  if (aLen === 0) throw new RangeError(`${fn}: ${a} and ${b} are empty`);
}

/** Throws a RangeError naming the argument and the index of the first non-finite number. */
export function checkFinite(fn: string, name: string, values: readonly number[]): void {
  const bad = values.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`${fn}: ${name}[${bad}] is ${values[bad]}, not a finite number`);
}
