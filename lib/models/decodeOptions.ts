/**
 * The checks in front of greedy decoding and beam search: strict options (start/end tokens in the target
 * vocabulary, lengths and widths integers in range, a finite length penalty), rectangular integer sources in the
 * source vocabulary, and valid lengths in [0, S], so that a bad call is an error before any tensor is made.
 */
import type * as tf from "@tensorflow/tfjs";
import { checkOptions, describeValue, type OptionSpec, opt } from "../check/options.js";
import { SIZE } from "../layers/layerOptions.js";
import { checkedLens } from "../layers/maskValues.js";

/** The option rules of greedy decoding ({@link checkDecode} adds the bounds that depend on the model). */
export const DECODE_SPEC: OptionSpec = {
  bos: opt.integer({ min: 0, required: true }),
  eos: opt.integer({ min: 0, required: true }),
  maxLength: SIZE(),
  srcValidLens: opt.any(),
  cache: opt.boolean(),
};

/** The option rules of beam search. */
export const BEAM_SEARCH_SPEC: OptionSpec = {
  ...DECODE_SPEC,
  beamWidth: SIZE({ max: 1000 }),
  lengthPenalty: opt.number(),
};

/** What a model tells the checks: its vocabularies and longest sequence. */
interface ModelSizes {
  readonly tgtVocab: number;
  readonly maxLength: number;
  readonly srcVocab?: number;
}

/** Read as "no options": every required key is then reported missing. */
const opts0 = {} as { bos: number; eos: number };

/** Checked decoding inputs: the number of steps and the valid lengths as a tensor (dispose `owned`). */
export interface CheckedDecode {
  steps: number;
  lens: tf.Tensor | undefined;
  owned: tf.Tensor[];
}

/**
 * Checks `options` against `spec` and the model's sizes, and `sources` (`[B][S]` token ids, or with `single` one
 * source `[S]`); returns the steps and the valid lengths as a tensor (made here unless one was given: dispose
 * `owned` when done).
 */
export function checkDecode(
  where: string,
  config: ModelSizes,
  sources: unknown,
  options: { maxLength?: number; srcValidLens?: unknown; bos: number; eos: number } | undefined,
  single: boolean,
): CheckedDecode {
  const token = opt.integer({ min: 0, max: config.tgtVocab - 1, required: true });
  const bounded = { bos: token, eos: token, maxLength: SIZE({ max: config.maxLength }) }; // this model's bounds
  const o: NonNullable<typeof options> = checkOptions(where, options ?? opts0, {
    ...(single ? BEAM_SEARCH_SPEC : DECODE_SPEC),
    ...bounded,
  });
  const [b, s] = single
    ? [1, checkRow(where, "source", sources, config.srcVocab)]
    : checkSources(where, sources, config.srcVocab);
  const steps = o.maxLength ?? config.maxLength - 1;
  if (o.srcValidLens === undefined) return { steps, lens: undefined, owned: [] };
  const shapes = { shapes: [[b]], letters: single ? "one source" : "B" };
  const given = o.srcValidLens as tf.Tensor;
  const lens = checkedLens(where, "options.srcValidLens", given, shapes, s, "the source length");
  return { steps, lens, owned: lens === given ? [] : [lens] };
}

/** `[B, S]` of a non-empty rectangular array of token-id rows. */
function checkSources(where: string, sources: unknown, srcVocab: number | undefined): [number, number] {
  if (!Array.isArray(sources) || sources.length === 0) {
    throw new TypeError(
      `${where}: sources must be a non-empty array of token-id arrays, got ${describeValue(sources)}`,
    );
  }
  const s = checkRow(where, "sources[0]", sources[0], srcVocab);
  for (let i = 1; i < sources.length; i++) {
    const len = checkRow(where, `sources[${i}]`, sources[i], srcVocab);
    if (len !== s) {
      throw new RangeError(
        `${where}: sources must be rectangular: sources[${i}] has length ${len}, sources[0] ${s}`,
      );
    }
  }
  return [sources.length, s];
}

/** The length of one non-empty row of token ids (integers in [0, srcVocab) when it is known). */
function checkRow(where: string, name: string, row: unknown, srcVocab: number | undefined): number {
  if (!Array.isArray(row) || row.length === 0) {
    throw new TypeError(
      `${where}: ${name} must be a non-empty array of token ids, got ${describeValue(row)}`,
    );
  }
  const top = srcVocab === undefined ? "" : ` and < ${srcVocab} (the source vocabulary)`;
  for (let j = 0; j < row.length; j++) {
    const v = row[j] as unknown;
    if (!Number.isInteger(v) || (v as number) < 0 || (srcVocab !== undefined && (v as number) >= srcVocab)) {
      throw new RangeError(`${where}: ${name}[${j}] must be an integer ≥ 0${top}, got ${describeValue(v)}`);
    }
  }
  return row.length;
}
