/**
 * Derived seeds: every seed the kit derives from another (data from the case seed, a layer's initialisers from
 * the model seed, dropout from the layer seed) is `childSeed(parent, name)`, so a derivation reads as what it is
 * for, and two derivations from one parent cannot collide by arithmetic (`seed * 2 + 1` vs `seed + 3`).
 * Follows: FNV-1a over the name, mixed with the parent by the murmur3 32-bit finaliser.
 */

/**
 * A seed for the part `name` of whatever `parent` seeds: an integer in [0, 2³¹), the same on every platform,
 * different for different names or parents.
 * @example
 *   childSeed(0, "data/train") !== childSeed(0, "data/test"); // true
 *   childSeed(0, "model") === childSeed(0, "model");          // true
 */
export function childSeed(parent: number, name: string): number {
  if (!Number.isSafeInteger(parent)) {
    throw new TypeError(`childSeed: parent must be a safe integer, got ${String(parent)}`);
  }
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError(`childSeed: name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  let h = 0x811c9dc5; // FNV-1a offset basis
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // The parent in two 32-bit halves (a safe integer has at most 53 bits).
  const low = parent >>> 0;
  const high = Math.floor(parent / 4294967296) >>> 0;
  h = mix(h ^ low);
  h = mix(h ^ high);
  return h >>> 1;
}

/** murmur3's 32-bit finaliser: every input bit flips each output bit with probability ~1/2. */
function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
