/**
 * How typed text becomes token ids for a Transformer and back: the copy task's symbols (ids 3…10, written as
 * numbers), the EN→FR case's word vocabularies (lib/cases/enfr), or plain ids for any other loaded model.
 * Start and end tokens follow each task's own convention (both tasks use 1 and 2).
 */
import { ENFR_SPECIAL, enfrDetokenize, enfrVocabs } from "../../../lib/cases/enfr/data.js";
import { COPY_TASK } from "../../../lib/models/copyTask.js";
import type { Transformer } from "../../../lib/models/transformer.js";

/** Text ↔ ids for one model. */
export interface TokenCodec {
  name: string;
  bos: number;
  eos: number;
  /** Source text → ids (throws a RangeError naming the bad token). */
  encode(text: string): number[];
  /** Labels of source ids, for axes. */
  sourceLabels(ids: readonly number[]): string[];
  /** Labels of target ids, for axes. */
  targetLabels(ids: readonly number[]): string[];
  /** A decoded target as text. */
  decodeText(ids: readonly number[]): string;
}

/** Ids written as numbers, each in [lo, hi]. */
export function idCodec(name: string, lo: number, hi: number): TokenCodec {
  const label = (id: number) => (id === COPY_TASK.bos ? "<s>" : id === COPY_TASK.eos ? "</s>" : String(id));
  return {
    name,
    bos: COPY_TASK.bos,
    eos: COPY_TASK.eos,
    encode: (text) =>
      text
        .trim()
        .split(/[\s,]+/)
        .filter((t) => t !== "")
        .map((t) => {
          const id = Number(t);
          if (!Number.isInteger(id) || id < lo || id > hi)
            throw new RangeError(`token "${t}" must be an integer id in [${lo}, ${hi}]`);
          return id;
        }),
    sourceLabels: (ids) => ids.map(label),
    targetLabels: (ids) => ids.map(label),
    decodeText: (ids) => ids.join(" "),
  };
}

/** The copy task: symbols 3 … 10. */
export function copyCodec(): TokenCodec {
  return idCodec("copy task", COPY_TASK.firstSymbol, COPY_TASK.vocabSize - 1);
}

let vocabs: ReturnType<typeof enfrVocabs> | undefined;

/** EN→FR: English words in, French words out. */
export function enfrCodec(): TokenCodec {
  vocabs ??= enfrVocabs();
  const { en, fr } = vocabs;
  return {
    name: "EN→FR",
    bos: ENFR_SPECIAL.bos,
    eos: ENFR_SPECIAL.eos,
    encode: (text) =>
      text
        .trim()
        .split(/\s+/)
        .filter((w) => w !== "")
        .map((w) => {
          const id = en.ids.get(w);
          if (id === undefined || id < 3)
            throw new RangeError(
              `"${w}" is not in the English vocabulary (${en.tokens.slice(3).join(", ")})`,
            );
          return id;
        }),
    sourceLabels: (ids) => ids.map((id) => en.tokens[id] ?? "?"),
    targetLabels: (ids) => ids.map((id) => fr.tokens[id] ?? "?"),
    decodeText: (ids) => enfrDetokenize(ids.map((id) => fr.tokens[id] ?? "<?>")),
  };
}

/** The codec that fits a (loaded) model: EN→FR when its vocabulary sizes are EN→FR's, else plain ids. */
export function codecFor(model: Transformer): TokenCodec {
  vocabs ??= enfrVocabs();
  const { srcVocab, tgtVocab } = model.config;
  if (srcVocab === vocabs.en.tokens.length && tgtVocab === vocabs.fr.tokens.length) return enfrCodec();
  if (srcVocab === COPY_TASK.vocabSize && tgtVocab === COPY_TASK.vocabSize) return copyCodec();
  return idCodec(`ids 3…${srcVocab - 1}`, 3, srcVocab - 1);
}
