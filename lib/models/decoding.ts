/**
 * Autoregressive decoding with a trained encoder–decoder (`Transformer`, `Seq2seqRnn`): greedy (argmax each
 * step) and beam search with a length penalty and an end token. Follows: Vaswani et al. 2017 §6.1 (beam size
 * 4, length penalty α = 0.6); Wu et al. 2016 (GNMT) eq. 14, lp(Y) = ((5 + |Y|)/6)^α; d2l §10.8 (greedy and beam search).
 * The decoder re-reads the whole prefix each step (no key/value cache): simple, and quick at these lengths.
 */
import * as tf from "@tensorflow/tfjs";

/** What the decoders need of a model: an encoder to memory `M` and a teacher-forced decoder to logits. */
export interface DecodableModel<M extends tf.Tensor | tf.Tensor[]> {
  readonly config: { readonly tgtVocab: number; readonly maxLength: number };
  encode(src: tf.Tensor, kwargs: { srcValidLens?: tf.Tensor }): { memory: M };
  /** `tgtIn [B, T]` and memory → logits `[B, T, V_tgt]`. */
  decode(tgtIn: tf.Tensor, memory: M, kwargs: { srcValidLens?: tf.Tensor }): { logits: tf.Tensor };
}

/** Options shared by the decoders. */
export interface DecodeOptions {
  /** Start token fed first. Required. */
  bos: number;
  /** End token: a sequence stops after it (it is not returned). Required. */
  eos: number;
  /** Most tokens generated per sequence, end token included. Default: the model's maxLength − 1. */
  maxLength?: number;
  /** Valid lengths of the sources (padding at the end). Default: all valid. */
  srcValidLens?: number[];
}

/** Options of {@link beamSearch}. */
export interface BeamSearchOptions extends DecodeOptions {
  /** Hypotheses kept each step. Default 4. */
  beamWidth?: number;
  /** α of the GNMT length penalty; 0 ranks by total log-probability. Default 0.6. */
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
  const steps = options.maxLength ?? model.config.maxLength - 1;
  const b = sources.length;
  const lens = options.srcValidLens === undefined ? undefined : tf.tensor1d(options.srcValidLens, "int32");
  const memory = tf.tidy(
    () => model.encode(tf.tensor2d(sources, undefined, "int32"), { srcValidLens: lens }).memory,
  );
  const seqs = sources.map(() => [options.bos]);
  const done = new Array<boolean>(b).fill(false);
  for (let t = 1; t <= steps && !done.every(Boolean); t++) {
    const next = tf.tidy(() => {
      const { logits } = model.decode(tf.tensor2d(seqs, [b, t], "int32"), memory, { srcValidLens: lens });
      return logits
        .slice([0, t - 1, 0], [b, 1, model.config.tgtVocab])
        .argMax(-1)
        .dataSync(); // [B, 1]
    });
    seqs.forEach((s, i) => {
      s.push(next[i]!);
      done[i] = done[i]! || next[i] === options.eos;
    });
  }
  tf.dispose([memory, ...(lens === undefined ? [] : [lens])].flat());
  return seqs.map((s) => cut(s.slice(1), options.eos));
}

/**
 * Beam search for one source `[S]`: up to `beamWidth` hypotheses, best first by
 * score = log P(Y | X) / ((5 + |Y|)/6)^α, where |Y| counts the end token.
 */
export function beamSearch<M extends tf.Tensor | tf.Tensor[]>(
  model: DecodableModel<M>,
  source: number[],
  options: BeamSearchOptions,
): Hypothesis[] {
  const k = options.beamWidth ?? 4;
  const alpha = options.lengthPenalty ?? 0.6;
  const steps = options.maxLength ?? model.config.maxLength - 1;
  const v = model.config.tgtVocab;
  const penalty = (len: number) => ((5 + len) / 6) ** alpha;
  const lens =
    options.srcValidLens === undefined ? undefined : tf.tensor1d(options.srcValidLens.slice(0, 1), "int32");
  const memory = tf.tidy(
    () => model.encode(tf.tensor2d([source], undefined, "int32"), { srcValidLens: lens }).memory,
  ); // [1, S, E]
  let beams = [{ tokens: [options.bos], logProb: 0 }];
  const finished: Hypothesis[] = [];
  for (let t = 1; t <= steps && beams.length > 0 && finished.length < k; t++) {
    const n = beams.length;
    const logProbs = tf.tidy(() => {
      const tiledLens = lens === undefined ? undefined : tf.tile(lens, [n]);
      const mem = tileBatch(memory, n); // [n, S, E] each
      const tokens = tf.tensor2d(
        beams.map((b) => b.tokens),
        [n, t],
        "int32",
      );
      const { logits } = model.decode(tokens, mem, { srcValidLens: tiledLens });
      return tf.logSoftmax(logits.slice([0, t - 1, 0], [n, 1, v]).reshape([n, v])).dataSync(); // [n, V]
    });
    const candidates = beams.flatMap((b, i) =>
      Array.from({ length: v }, (_, token) => ({
        from: b,
        token,
        logProb: b.logProb + logProbs[i * v + token]!,
      })),
    );
    candidates.sort((a, b) => b.logProb - a.logProb);
    const next: typeof beams = [];
    for (const [rank, c] of candidates.entries()) {
      if (next.length === k) break;
      if (c.token !== options.eos) next.push({ tokens: [...c.from.tokens, c.token], logProb: c.logProb });
      else if (rank < k) {
        const tokens = c.from.tokens.slice(1);
        finished.push({
          tokens,
          logProb: c.logProb,
          score: c.logProb / penalty(tokens.length + 1),
          finished: true,
        });
      }
    }
    beams = next;
  }
  tf.dispose([memory, ...(lens === undefined ? [] : [lens])].flat());
  const cutOff = beams.map((b) => {
    const tokens = b.tokens.slice(1);
    return { tokens, logProb: b.logProb, score: b.logProb / penalty(tokens.length), finished: false };
  });
  const all = [...finished, ...(finished.length < k ? cutOff : [])];
  return all.sort((a, b) => b.score - a.score).slice(0, k);
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
