/**
 * Next-token prediction, the training signal of a decoder-only language model: a window of L tokens gives L − 1
 * (input, target) pairs, the targets being the inputs shifted left by one; the loss is their mean cross-entropy
 * (the kit's `sequenceCrossEntropy`), read in bits per token as loss / ln 2. Follows: Radford et al. 2018 eq. 1
 * (L₁(U) = Σ_i log P(u_i | u_{i−k}, …, u_{i−1}; Θ)); nanoGPT `get_batch` (y is x shifted by one).
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, checkValue, opt } from "../check/options.js";
import { sequenceCrossEntropy } from "./seq2seqTraining.js";

/** What next-token training and {@link generate} need of a model: its sizes and `apply(tokens [B, T])` → logits `[B, T, V]`. */
export interface CausalLanguageModel {
  readonly config: { readonly vocabSize: number; readonly blockSize: number };
  apply(
    inputs: tf.Tensor,
    kwargs?: { training?: boolean },
  ): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];
}

/** Options of {@link nextTokenLoss}. */
export interface NextTokenLossOptions {
  /** Dropout on (a training step). Default `false`. */
  training?: boolean;
  /** Label smoothing ε in [0, 1) of the cross-entropy. Default 0. */
  labelSmoothing?: number;
}

const LOSS_SPEC = { training: opt.boolean(), labelSmoothing: opt.number({ min: 0, below: 1 }) };

/**
 * Inputs and targets of windows `tokens [B, L]` (L ≥ 2): inputs = tokens[:, 0 … L−2], targets = tokens[:, 1 …
 * L−1], both `[B, L − 1]` int32 (the caller disposes them). Position t of the targets is the token after
 * inputs[:, 0 … t].
 * @example nextTokenPairs(tf.tensor2d([[5, 6, 7]], [1, 3], "int32")).targets.arraySync(); // [[6, 7]]
 */
export function nextTokenPairs(tokens: tf.Tensor): { inputs: tf.Tensor2D; targets: tf.Tensor2D } {
  const [b, l] = windowShape("nextTokenPairs", tokens);
  return tf.tidy(() => {
    const ids = tokens.toInt();
    return {
      inputs: tf.slice(ids, [0, 0], [b, l - 1]) as tf.Tensor2D, // [B, L−1]
      targets: tf.slice(ids, [0, 1], [b, l - 1]) as tf.Tensor2D, // [B, L−1]
    };
  });
}

/**
 * Mean next-token cross-entropy in nats of `model` on windows `tokens [B, L]` (2 ≤ L ≤ blockSize + 1):
 * −1/(B(L−1)) Σ_{b,t} log softmax(model(x_{b,0…L−2}))_{t}[x_{b,t+1}]. A scalar tensor for `fit`'s `loss` (the
 * caller disposes it); nothing else survives.
 * @example
 *   const loss = nextTokenLoss(model, batch, { training: true }); // inside fit: loss: (batch) => nextTokenLoss(model, batch, { training: true })
 */
export function nextTokenLoss(
  model: CausalLanguageModel,
  tokens: tf.Tensor,
  options: NextTokenLossOptions = {},
): tf.Scalar {
  const { training = false, labelSmoothing } = checkOptions("nextTokenLoss", options, LOSS_SPEC);
  windowShape("nextTokenLoss", tokens);
  return tf.tidy(() => {
    const { inputs, targets } = nextTokenPairs(tokens);
    const logits = model.apply(inputs, { training }) as tf.Tensor; // [B, L−1, V]
    return tokenCrossEntropy(logits, targets, labelSmoothing);
  });
}

/**
 * A loss in nats per token as bits per token (bits per character for a character model): loss / ln 2.
 * @example bitsPerToken(Math.log(65)); // 6.0224 (= log₂ 65, a uniform guess over 65 characters)
 */
export function bitsPerToken(nats: number): number {
  checkValue("bitsPerToken", "nats", nats, opt.number({ min: 0, required: true }));
  return nats / Math.LN2;
}

/** The kit's token cross-entropy, through one call site (its options are `{ padId, labelSmoothing }`). */
function tokenCrossEntropy(
  logits: tf.Tensor,
  targets: tf.Tensor,
  labelSmoothing: number | undefined,
): tf.Scalar {
  return sequenceCrossEntropy(logits, targets, labelSmoothing === undefined ? undefined : { labelSmoothing });
}

/** `[B, L]` of a window batch: rank 2, B ≥ 1, L ≥ 2 (one pair at least). */
function windowShape(where: string, tokens: tf.Tensor): [number, number] {
  if (!(tokens instanceof tf.Tensor))
    throw new TypeError(`${where}: tokens must be a tensor [B, L] of token ids`);
  const [b, l] = tokens.shape;
  if (tokens.rank !== 2 || b === undefined || l === undefined || b < 1 || l < 2) {
    throw new RangeError(
      `${where}: tokens must be windows [B, L] with B ≥ 1 and L ≥ 2, got [${tokens.shape}]`,
    );
  }
  return [b, l];
}
