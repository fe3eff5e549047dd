/** CNN attention layers for image batches `[B, height, width, C]`: squeeze-excitation and CBAM. */
export { type CbamArgs, type CbamResult, Cbam } from "./cbam.js";
export {
  SqueezeExcitation,
  type SqueezeExcitationArgs,
  type SqueezeExcitationResult,
} from "./squeezeExcitation.js";
