/**
 * Sinusoidal positional encoding and the rotation that shifts it by δ positions.
 * Follows: Vaswani et al. 2017 §3.5, PE(pos, 2i) = sin(pos/10000^{2i/d}), PE(pos, 2i+1) = cos(pos/10000^{2i/d});
 * for any fixed δ, PE(pos + δ) is a linear function of PE(pos) (d2l §11.6.3), the matrix R(δ) below.
 */
import { checkValue, opt } from "../check/options.js";
import { assertSize } from "./input.js";
import { assertPositiveInt, formatShape, type Matrix, zeros } from "./matrix.js";

/** The base must be a finite number > 0 (a base ≤ 0 makes base^{−2i/d} NaN); the usual one is 10000 (> 1). */
const BASE_RULE = opt.number({ above: 0 });

/** Angular frequency of column pair i: ω_i = base^{−2i/d}. */
function frequency(pair: number, dModel: number, base: number): number {
  return base ** (-(2 * pair) / dModel);
}

/**
 * Checks that the largest angle |reach| · max_i ω_i is finite: with base < 1 the frequencies exceed 1, and a tiny
 * base (1e-300) makes them overflow, so sin/cos would be NaN. `reach` is the largest position (or |δ|).
 */
function checkAngles(where: string, reach: number, pairs: number, dModel: number, base: number): void {
  const top = Math.max(frequency(0, dModel, base), frequency(pairs - 1, dModel, base));
  if (!Number.isFinite(reach * top))
    throw new RangeError(
      `${where}: base ${base} makes the angle ${reach} · ω overflow (ω up to ${top}); use a base > 1, e.g. 10000`,
    );
}

/**
 * The `[length, dModel]` sinusoidal encoding: even columns sin(pos·ω_i), odd columns cos(pos·ω_i).
 * With an odd `dModel` the last column is a sine with no cosine partner.
 * @example sinusoidalPositionalEncoding(2, 2); // [[0, 1], [0.8415, 0.5403]]
 */
export function sinusoidalPositionalEncoding(length: number, dModel: number, base = 10000): Matrix {
  assertPositiveInt("sinusoidalPositionalEncoding: length", length);
  assertPositiveInt("sinusoidalPositionalEncoding: dModel", dModel);
  checkValue("sinusoidalPositionalEncoding", "base", base, BASE_RULE);
  assertSize(`sinusoidalPositionalEncoding: the ${formatShape([length, dModel])} encoding`, length * dModel);
  checkAngles("sinusoidalPositionalEncoding", length - 1, Math.ceil(dModel / 2), dModel, base);
  return Array.from({ length }, (_, pos) =>
    Array.from({ length: dModel }, (_, col) => {
      const angle = pos * frequency(Math.floor(col / 2), dModel, base);
      return col % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }),
  );
}

/**
 * R(δ), the `[dModel, dModel]` block-diagonal rotation with PE(pos + δ)ᵀ = R(δ) · PE(pos)ᵀ for every pos.
 * Block i is [[cos δω_i, sin δω_i], [−sin δω_i, cos δω_i]] (angle-addition formulas). Needs an even dModel.
 * @example positionalShift(1, 2); // [[0.5403, 0.8415], [-0.8415, 0.5403]]
 */
export function positionalShift(delta: number, dModel: number, base = 10000): Matrix {
  checkValue("positionalShift", "delta", delta, opt.number());
  assertPositiveInt("positionalShift: dModel", dModel);
  if (dModel % 2 !== 0)
    throw new RangeError(`positionalShift: dModel must be even for the shift identity, got ${dModel}`);
  checkValue("positionalShift", "base", base, BASE_RULE);
  assertSize(`positionalShift: the ${formatShape([dModel, dModel])} rotation`, dModel * dModel);
  checkAngles("positionalShift", Math.abs(delta), dModel / 2, dModel, base);
  const r = zeros(dModel, dModel);
  for (let i = 0; i < dModel / 2; i++) {
    const a = delta * frequency(i, dModel, base);
    const [c, s] = [Math.cos(a), Math.sin(a)];
    r[2 * i]![2 * i] = c;
    r[2 * i]![2 * i + 1] = s;
    r[2 * i + 1]![2 * i] = -s;
    r[2 * i + 1]![2 * i + 1] = c;
  }
  return r;
}
