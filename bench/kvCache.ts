/**
 * The key/value-cache workload: greedy generation of L tokens with a small GPT, without the cache (every step
 * re-reads the whole prefix: O(L²) per step in attention, O(L) in the rest) and with it (`generate(…, { cache:
 * true })`: each step feeds one token), for several L, in one run. The two sides are interleaved in rounds, as in
 * bench/run.ts, and the result is the speed-up uncached / cached per round (median, min–max), so the machine's
 * drift cancels. Run alone with `node --import tsx bench/kvCache.ts [--rounds R]`; `npm run bench` runs it too.
 * Follows: Pope et al. 2022 §2 (the KV cache turns decoding's per-step cost from the prefix length squared to
 * linear in it).
 */
import * as tf from "@tensorflow/tfjs";
import { generate } from "../lib/models/generate.js";
import { Gpt } from "../lib/models/gpt.js";
import { initBackend } from "../lib/tfjs/index.js";

/** The model and lengths: a char-GPT-sized model (the course's notebook 10), blockSize = the longest length. */
export const KV_CACHE_BENCH = {
  vocabSize: 32,
  dModel: 64,
  numHeads: 4,
  dFF: 256,
  numLayers: 2,
  lengths: [16, 32, 64, 128, 256],
};

/** One length: the median ms per generated token of each side and the per-round speed-ups. */
export interface KvCacheRow {
  length: number;
  uncachedMsPerToken: number;
  cachedMsPerToken: number;
  /** uncached / cached per round: median, min, max. */
  speedup: { median: number; min: number; max: number; perRound: number[] };
  leakedTensors: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Times both sides for every length in `rounds` interleaved rounds; the same tokens on both sides (checked). */
export function kvCacheSpeedups(rounds = 3, lengths = KV_CACHE_BENCH.lengths): KvCacheRow[] {
  const { lengths: _, ...config } = KV_CACHE_BENCH;
  const model = new Gpt({ ...config, blockSize: Math.max(...lengths), seed: 1 }).ensureBuilt();
  const run = (length: number, cache: boolean) => {
    const before = tf.memory().numTensors;
    const started = performance.now();
    const out = generate(model, [1], { maxNewTokens: length - 1, temperature: 0, cache });
    const ms = performance.now() - started;
    return { ms: ms / (length - 1), tokens: out.tokens, leaked: tf.memory().numTensors - before };
  };
  for (const length of lengths.slice(0, 2)) {
    run(length, false); // warm up
    run(length, true);
  }
  const times = lengths.map(() => ({ uncached: [] as number[], cached: [] as number[], leaked: 0 }));
  for (let round = 0; round < rounds; round++) {
    lengths.forEach((length, i) => {
      const [a, b] = [run(length, false), run(length, true)];
      if (a.tokens.join() !== b.tokens.join())
        throw new Error(`kv-cache bench: cached tokens differ at length ${length}`);
      times[i]!.uncached.push(a.ms);
      times[i]!.cached.push(b.ms);
      times[i]!.leaked += a.leaked + b.leaked;
    });
  }
  model.dispose();
  return lengths.map((length, i) => {
    const t = times[i]!;
    const perRound = t.uncached.map((u, r) => u / t.cached[r]!);
    return {
      length,
      uncachedMsPerToken: median(t.uncached),
      cachedMsPerToken: median(t.cached),
      speedup: { median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound), perRound },
      leakedTensors: t.leaked,
    };
  });
}

/** The rows as a printable table. */
export function kvCacheTable(rows: KvCacheRow[]): Record<string, string | number>[] {
  return rows.map((r) => ({
    "tokens generated": r.length,
    "uncached ms/token": +r.uncachedMsPerToken.toFixed(2),
    "cached ms/token": +r.cachedMsPerToken.toFixed(2),
    "speed-up (median)": +r.speedup.median.toFixed(2),
    "per round (min–max)": `${r.speedup.min.toFixed(2)}–${r.speedup.max.toFixed(2)}`,
    leaked: r.leakedTensors,
  }));
}

if (require.main === module) {
  const i = process.argv.indexOf("--rounds");
  const rounds = i === -1 ? 3 : Number(process.argv[i + 1]);
  initBackend().then(
    (backend) => {
      const rows = kvCacheSpeedups(rounds);
      console.log(
        `KV cache, greedy generation, GPT ${JSON.stringify(KV_CACHE_BENCH)}, backend ${backend.name}:`,
      );
      console.table(kvCacheTable(rows));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
