/**
 * Reading a class map at the image's pixels: the back-projection of attention through the receptive field. After
 * `blocks` 3×3 'same' convolutions the feature f_i at pixel i sees the (2·blocks + 1)² window around i, so the
 * weight α_{c,i} the class map puts on i is weight on that whole window. The back-projected map gives each image
 * pixel p the total weight of the feature pixels that see it, r_{c,p} = Σ_{i : ‖i − p‖∞ ≤ blocks} α_{c,i} (a box
 * sum, clipped at the border). It uses the map alone: no image, no mask.
 */

/**
 * The back-projected map of `map` (`[H, W]` attention weights) for features that see a `(2·radius + 1)²` window:
 * every pixel gets the sum of the weights within `radius` of it (Chebyshev distance, clipped at the border).
 * @example receptiveFieldMap([[1, 0, 0], [0, 0, 0], [0, 0, 0]], 1); // [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
 */
export function receptiveFieldMap(map: readonly (readonly number[])[], radius: number): number[][] {
  if (!(Number.isInteger(radius) && radius >= 0)) {
    throw new RangeError(`receptiveFieldMap: radius must be an integer ≥ 0, got ${radius}`);
  }
  const h = map.length;
  const w = map[0]?.length ?? 0;
  if (h === 0 || w === 0 || map.some((row) => row.length !== w)) {
    throw new RangeError(
      `receptiveFieldMap: map must be a non-empty rectangular [H, W] array, got rows of ${JSON.stringify(map.map((r) => r.length))}`,
    );
  }
  // summed-area table: s[i][j] = Σ of map over rows < i and columns < j
  const s = Array.from({ length: h + 1 }, () => new Array<number>(w + 1).fill(0));
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) s[i + 1]![j + 1] = map[i]![j]! + s[i]![j + 1]! + s[i + 1]![j]! - s[i]![j]!;
  }
  return Array.from({ length: h }, (_, i) =>
    Array.from({ length: w }, (_, j) => {
      const top = Math.max(0, i - radius);
      const bottom = Math.min(h, i + radius + 1);
      const left = Math.max(0, j - radius);
      const right = Math.min(w, j + radius + 1);
      return s[bottom]![right]! - s[top]![right]! - s[bottom]![left]! + s[top]![left]!;
    }),
  );
}
