/**
 * Reading a learner's matrix answer: a finite number matrix of a given shape, or a hint that says what the
 * answer is instead. Shared by the exercise sets whose answers are matrices.
 */

/** A finite `[rows, cols]` number matrix, or a hint (a string) saying what is off. */
export function asNumberMatrix(
  answer: unknown,
  rows: number,
  cols: number,
  what: string,
): number[][] | string {
  if (
    !Array.isArray(answer) ||
    !answer.every((r) => Array.isArray(r) && r.every((v) => typeof v === "number" && Number.isFinite(v)))
  ) {
    return `the answer should be ${what}: an array of rows of finite numbers`;
  }
  const m = answer as number[][];
  if (m.length !== rows || m.some((r) => r.length !== cols)) {
    const got = `${m.length} row(s) of ${m.map((r) => r.length).join("/") || "0"} entries`;
    return `${what} should have ${rows} rows of ${cols} entries; the answer has ${got}`;
  }
  return m;
}

/** A finite number, or a hint saying what the answer should be. */
export function asFiniteNumber(answer: unknown, what: string): number | string {
  return typeof answer === "number" && Number.isFinite(answer) ? answer : `the answer should be ${what}`;
}
