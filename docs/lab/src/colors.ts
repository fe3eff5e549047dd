/**
 * Colours of the lab's heatmaps: a sequential white→blue scale for weights in [0, 1] and other non-negative
 * values, a diverging blue–white–red scale centred on 0 for signed scores, and grey for masked (−∞) entries.
 * Follows the conventions of lib/plot/heatmap.ts (vega "blues", "redblue" with a symmetric domain).
 */

/** The values a colour scale spans, and whether it is centred on 0. */
export interface ColorDomain {
  lo: number;
  hi: number;
  diverging: boolean;
}

/** Colour of masked (−∞) cells. */
export const MASKED_COLOR = "#d4d4d4";

/** [0, 1] when every finite value lies there, a symmetric domain when any is negative, else [min, max]. */
export function domainOf(matrix: readonly (readonly number[])[]): ColorDomain {
  const finite = matrix.flat().filter(Number.isFinite);
  if (finite.length === 0) return { lo: 0, hi: 1, diverging: false };
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (lo >= 0 && hi <= 1) return { lo: 0, hi: 1, diverging: false };
  if (lo < 0) {
    const m = Math.max(-lo, hi, 1e-12);
    return { lo: -m, hi: m, diverging: true };
  }
  return { lo, hi: hi > lo ? hi : lo + 1, diverging: false };
}

function mix(a: readonly number[], b: readonly number[], t: number): string {
  const c = a.map((x, i) => Math.round(x + (b[i]! - x) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

const WHITE = [247, 251, 255];
const BLUE = [8, 69, 148];
const RED = [165, 15, 21];

/** Fill colour of `x` on `domain`. */
export function colorOf(x: number, domain: ColorDomain): string {
  if (!Number.isFinite(x)) return MASKED_COLOR;
  const t = Math.min(1, Math.max(0, (x - domain.lo) / (domain.hi - domain.lo)));
  if (!domain.diverging) return mix(WHITE, BLUE, t);
  return t < 0.5 ? mix(BLUE, WHITE, t * 2) : mix(WHITE, RED, (t - 0.5) * 2);
}

/** Black or white, whichever reads better on `colorOf(x, domain)`. */
export function inkOn(x: number, domain: ColorDomain): string {
  if (!Number.isFinite(x)) return "#444";
  const t = (x - domain.lo) / (domain.hi - domain.lo);
  const strength = domain.diverging ? Math.abs(t - 0.5) * 2 : t;
  return strength > 0.55 ? "#fff" : "#111";
}
