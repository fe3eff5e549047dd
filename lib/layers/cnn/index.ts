/** CNN attention layers for image batches `[B, height, width, C]`: squeeze-excitation and CBAM. */
export { Cbam, type CbamArgs, type CbamAttention, type CbamResult } from "./cbam.js";
export {
  SqueezeExcitation,
  type SqueezeExcitationArgs,
  type SqueezeExcitationResult,
} from "./squeezeExcitation.js";
