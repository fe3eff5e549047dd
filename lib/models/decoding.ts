/**
 * Autoregressive decoding with a trained encoder–decoder (`Transformer`, `Seq2seqRnn`): greedy (argmax each
 * step) and beam search with a length penalty and an end token. Follows: Vaswani et al. 2017 §6.1 (beam size
 * 4, length penalty α = 0.6); Wu et al. 2016 (GNMT) eq. 14, lp(Y) = ((5 + |Y|)/6)^α; d2l §10.8 (greedy and beam search).
 * By default the decoder re-reads the whole prefix each step; with `cache: true` a model that has a key/value
 * cache (`startCache`, `decodeStep`: the Transformer) feeds only the newest token and attends over its cached keys
 * and values (Pope et al. 2022 §2), with the same tokens and logits.
 */
import * as tf from "@tensorflow/tfjs";
import { beamStep } from "../math/beamStep.js";
import { describeValue } from "../check/options.js";
import { throwIfInterrupted } from "../train/interrupt.js";
import { checkDecode } from "./decodeOptions.js";
import type { KeyValueCache } from "./keyValueCache.js";

/** What the decoders need of a model: an encoder to memory `M` and a teacher-forced decoder to logits. */
export interface DecodableModel<M extends tf.Tensor | tf.Tensor[]> {
  readonly config: { readonly tgtVocab: number; readonly maxLength: number; readonly srcVocab?: number };
  encode(src: tf.Tensor, kwargs: { srcValidLens?: tf.Tensor }): { memory: M };
  /** `tgtIn [B, T]` and memory → logits `[B, T, V_tgt]`. */
  decode(tgtIn: tf.Tensor, memory: M, kwargs: { srcValidLens?: tf.Tensor }): { logits: tf.Tensor };
  /** A key/value cache for `memory` (the Transformer's); needed by `cache: true`. */
  startCache?(memory: M, kwargs: { srcValidLens?: tf.Tensor }): KeyValueCache;
  /** The logits `[B, T, V_tgt]` of the next T tokens `[B, T]` after the cached ones; grows the cache. */
  decodeStep?(tgtIn: tf.Tensor, cache: KeyValueCache): tf.Tensor;
}

/** A model that decodes with a key/value cache. */
type CachedModel<M extends tf.Tensor | tf.Tensor[]> = DecodableModel<M> &
  Required<Pick<DecodableModel<M>, "startCache" | "decodeStep">>;

/** Options shared by the decoders. */
export interface DecodeOptions {
  /** Start token fed first, an integer in [0, tgtVocab). Required. */
  bos: number;
  /** End token: a sequence stops after it (it is not returned); an integer in [0, tgtVocab). Required. */
  eos: number;
  /** Most tokens generated per sequence, end token included: an integer in [1, the model's maxLength]. Default: the model's maxLength − 1. */
  maxLength?: number;
  /** Valid lengths of the sources (padding at the end), integers in [0, S]. Default: all valid. */
  srcValidLens?: number[] | Int32Array | tf.Tensor1D;
  /**
   * Decode with the model's key/value cache: each step feeds only the newest token (same tokens and logits,
   * fewer operations). Needs a model with `startCache` and `decodeStep` (the Transformer). Default `false`.
   */
  cache?: boolean;
}

/** Options of {@link beamSearch}. */
export interface BeamSearchOptions extends DecodeOptions {
  /** Hypotheses kept each step, an integer in [1, 1000]. Default 4. */
  beamWidth?: number;
  /** α of the GNMT length penalty (a finite number); 0 ranks by total log-probability. Default 0.6. */
  lengthPenalty?: number;
}

/** One finished (or cut-off) hypothesis: tokens without start/end, log-probability, penalised score. */
export interface Hypothesis {
  tokens: number[];
  logProb: number;
  score: number;
  finished: boolean;
}

/**
 * Greedy decoding of a batch of sources `[B][S]`: returns `[B][≤ maxLength]` token ids (no start/end tokens).
 * @example greedyDecode(model, [[3, 4, 5]], { bos: 1, eos: 2 }); // [[3, 4, 5]] once trained on copying
 */
export function greedyDecode<M extends tf.Tensor | tf.Tensor[]>(
  model: DecodableModel<M>,
  sources: number[][],
  options: DecodeOptions,
): number[][] {
  const { steps, lens, owned } = checkDecode("greedyDecode", model.config, sources, options, false);
  const cached = options.cache === true ? cachedModel("greedyDecode", model) : undefined;
  const b = sources.length;
  let memory: M | undefined;
  const seqs = sources.map(() => [options.bos]);
  const done = new Array<boolean>(b).fill(false);
  try {
    memory = tf.tidy(
      () => model.encode(tf.tensor2d(sources, undefined, "int32"), { srcValidLens: lens }).memory,
    );
    if (cached === undefined) greedySteps(model, memory, lens, steps, seqs, done, options.eos);
    else greedyStepsCached(cached, memory, lens, steps, seqs, done, options.eos);
  } finally {
    tf.dispose([memory ?? [], ...owned].flat()); // on errors and interrupts too
  }
  return seqs.map((s) => cut(s.slice(1), options.eos));
}

/** Steps 1 … `steps` of greedy decoding: appends each argmax to `seqs` until every row has ended (`done`). */
function greedySteps<M extends tf.Tensor | tf.Tensor[]>(
  model: DecodableModel<M>,
  memory: M,
  lens: tf.Tensor | undefined,
  steps: number,
  seqs: number[][],
  done: boolean[],
  eos: number,
): void {
  const b = seqs.length;
  for (let t = 1; t <= steps && !done.every(Boolean); t++) {
    throwIfInterrupted(); // Kernel → Interrupt, between steps
    const next = tf.tidy(() => {
      const { logits } = model.decode(tf.tensor2d(seqs, [b, t], "int32"), memory, { srcValidLens: lens });
      return logits
        .slice([0, t - 1, 0], [b, 1, model.config.tgtVocab])
        .argMax(-1)
        .dataSync(); // [B, 1]
    });
    seqs.forEach((s, i) => {
      s.push(next[i]!);
      done[i] = done[i]! || next[i] === eos;
    });
  }
}

/** Greedy steps with a key/value cache: step t feeds only token t − 1 of each row, `[B, 1]`. */
function greedyStepsCached<M extends tf.Tensor | tf.Tensor[]>(
  model: CachedModel<M>,
  memory: M,
  lens: tf.Tensor | undefined,
  steps: number,
  seqs: number[][],
  done: boolean[],
  eos: number,
): void {
  const cache = model.startCache(memory, { srcValidLens: lens }); // cross-attention keys and values, once
  try {
    const b = seqs.length;
    for (let t = 1; t <= steps && !done.every(Boolean); t++) {
      throwIfInterrupted(); // Kernel → Interrupt, between steps
      const newest = seqs.map((s) => [s[t - 1]!]);
      const next = tf.tidy(() =>
        model
          .decodeStep(tf.tensor2d(newest, [b, 1], "int32"), cache)
          .argMax(-1)
          .dataSync(),
      ); // [B, 1]
      seqs.forEach((s, i) => {
        s.push(next[i]!);
        done[i] = done[i]! || next[i] === eos;
      });
    }
  } finally {
    cache.dispose();
  }
}

/** `model` as a cached decoder, or a clear error when it has no key/value cache. */
function cachedModel<M extends tf.Tensor | tf.Tensor[]>(
  where: string,
  model: DecodableModel<M>,
): CachedModel<M> {
  if (typeof model.startCache !== "function" || typeof model.decodeStep !== "function") {
    throw new TypeError(
      `${where}: options.cache needs a model with a key/value cache (startCache and decodeStep, as the Transformer has), got ${describeValue(model)}`,
    );
  }
  return model as CachedModel<M>;
}

/**
 * Beam search for one source `[S]`: up to `beamWidth` hypotheses, best first by
 * score = log P(Y | X) / ((5 + |Y|)/6)^α, where |Y| counts the end token. The search goes on until no growing
 * hypothesis can still beat the k-th finished one: a growing hypothesis's log-probability can only fall, so its
 * best reachable score is log P / max lp(|Y|) over the lengths it may still end at (Tensor2Tensor's stopping
 * rule). Stopping as soon as k hypotheses have ended instead drops a good hypothesis that ends late.
 */
export function beamSearch<M extends tf.Tensor | tf.Tensor[]>(
  model: DecodableModel<M>,
  source: number[],
  options: BeamSearchOptions,
): Hypothesis[] {
  const { steps, lens, owned } = checkDecode("beamSearch", model.config, source, options, true);
  const cached = options.cache === true ? cachedModel("beamSearch", model) : undefined;
  const k = options.beamWidth ?? 4;
  const alpha = options.lengthPenalty ?? 0.6;
  const v = model.config.tgtVocab;
  const penalty = (len: number) => ((5 + len) / 6) ** alpha;
  let memory: M | undefined;
  let cache: KeyValueCache | undefined;
  let beams: Beam[] = [{ tokens: [options.bos], logProb: 0, from: 0 }];
  const finished: Hypothesis[] = [];
  try {
    memory = tf.tidy(
      () => model.encode(tf.tensor2d([source], undefined, "int32"), { srcValidLens: lens }).memory,
    ); // [1, S, E]
    cache = cached?.startCache(memory, { srcValidLens: lens }); // batch 1; rows follow the beams
    // the best score `b` can still reach: it ends at a length in [|b|, steps], its log-probability ≤ now
    const reachable = (b: Beam) => b.logProb / Math.max(penalty(b.tokens.length), penalty(steps));
    const searching = () => finished.length < k || Math.max(...beams.map(reachable)) > kthBest(finished, k);
    for (let t = 1; t <= steps && beams.length > 0 && searching(); t++) {
      throwIfInterrupted(); // Kernel → Interrupt, between steps
      const logProbs =
        cached === undefined || cache === undefined
          ? beamLogProbs(model, memory, lens, beams, t)
          : beamLogProbsCached(cached, cache, beams); // [n, V]
      beams = extendBeams(beams, logProbs, { v, k, eos: options.eos, penalty }, finished);
    }
  } finally {
    cache?.dispose();
    tf.dispose([memory ?? [], ...owned].flat()); // on errors and interrupts too
  }
  const cutOff = beams.map((b) => {
    const tokens = b.tokens.slice(1);
    return { tokens, logProb: b.logProb, score: b.logProb / penalty(tokens.length), finished: false };
  });
  const all = [...finished, ...(finished.length < k ? cutOff : [])];
  return all.sort((a, b) => b.score - a.score).slice(0, k);
}

/** The k-th best score among `finished` (at least k of them). */
function kthBest(finished: readonly Hypothesis[], k: number): number {
  return finished.map((h) => h.score).sort((a, b) => b - a)[k - 1]!;
}

/** A hypothesis still growing: tokens so far (start token first) and their log-probability. */
interface Beam {
  tokens: number[];
  logProb: number;
  /** The index of the beam it grew from in the previous step (the cache row it continues). */
  from: number;
}

/** Log-probabilities `[n, V]` of the next token after each of the `n` beams (prefixes of length `t`). */
function beamLogProbs<M extends tf.Tensor | tf.Tensor[]>(
  model: DecodableModel<M>,
  memory: M,
  lens: tf.Tensor | undefined,
  beams: Beam[],
  t: number,
): Float32Array {
  const [n, v] = [beams.length, model.config.tgtVocab];
  return tf.tidy(() => {
    const tiledLens = lens === undefined ? undefined : tf.tile(lens, [n]);
    const mem = tileBatch(memory, n); // [n, S, E] each
    const tokens = tf.tensor2d(
      beams.map((b) => b.tokens),
      [n, t],
      "int32",
    );
    const { logits } = model.decode(tokens, mem, { srcValidLens: tiledLens });
    return tf.logSoftmax(logits.slice([0, t - 1, 0], [n, 1, v]).reshape([n, v])).dataSync() as Float32Array; // [n, V]
  });
}

/**
 * {@link beamLogProbs} with a key/value cache: the cache rows are first reordered to the beams' parents, then only
 * each beam's newest token is fed, `[n, 1]`.
 */
function beamLogProbsCached<M extends tf.Tensor | tf.Tensor[]>(
  model: CachedModel<M>,
  cache: KeyValueCache,
  beams: Beam[],
): Float32Array {
  const [n, v] = [beams.length, model.config.tgtVocab];
  cache.reorder(beams.map((b) => b.from));
  return tf.tidy(() => {
    const newest = tf.tensor2d(
      beams.map((b) => [b.tokens.at(-1)!]),
      [n, 1],
      "int32",
    );
    const logits = model.decodeStep(newest, cache); // [n, 1, V]
    return tf.logSoftmax(logits.reshape([n, v])).dataSync() as Float32Array; // [n, V]
  });
}

/** The best `k` extensions of `beams`; an end token among the top `k` finishes a hypothesis (into `finished`). */
function extendBeams(
  beams: Beam[],
  logProbs: Float32Array,
  p: { v: number; k: number; eos: number; penalty: (len: number) => number },
  finished: Hypothesis[],
): Beam[] {
  const { v, k } = p;
  const rows = beams.map((_, i) => Array.from(logProbs.subarray(i * v, (i + 1) * v))); // [n][V]
  const { candidates } = beamStep(
    beams.map((b) => b.logProb),
    rows,
    beams.length * v,
  ); // all n·V extensions, best first
  const next: Beam[] = [];
  for (const [rank, c] of candidates.entries()) {
    if (next.length === k) break;
    const from = beams[c.beam]!;
    if (c.token !== p.eos) next.push({ tokens: [...from.tokens, c.token], logProb: c.logProb, from: c.beam });
    else if (rank < k) {
      const tokens = from.tokens.slice(1);
      finished.push({
        tokens,
        logProb: c.logProb,
        score: c.logProb / p.penalty(tokens.length + 1),
        finished: true,
      });
    }
  }
  return next;
}

/** Each memory tensor `[1, …]` repeated `n` times along the batch axis → `[n, …]`. */
function tileBatch<M extends tf.Tensor | tf.Tensor[]>(memory: M, n: number): M {
  const tile = (t: tf.Tensor) => tf.tile(t, [n, ...t.shape.slice(1).map(() => 1)]);
  return (Array.isArray(memory) ? memory.map(tile) : tile(memory)) as M;
}

/** Tokens up to (not including) the first `eos`. */
function cut(tokens: number[], eos: number): number[] {
  const end = tokens.indexOf(eos);
  return end === -1 ? tokens : tokens.slice(0, end);
}
