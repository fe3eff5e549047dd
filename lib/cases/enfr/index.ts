// Case study: EN→FR translation (S002 §4.3 corrected: "I love programming" → "j'aime la programmation").
export {
  ENFR_OBJECTS,
  ENFR_SEED_PAIR,
  ENFR_SPECIAL,
  type EnfrData,
  type EnfrPair,
  type EnfrVocab,
  enfrCorpus,
  enfrData,
  enfrDetokenize,
  enfrTokenize,
  enfrVocabs,
} from "./data.js";
export { type EnfrArtifacts, type EnfrConfig, enfrExperiment, enfrSeedChecks } from "./experiment.js";
export {
  ENFR_LENGTHS,
  type EnfrArrays,
  type EnfrTransformerOptions,
  enfrArrays,
  enfrAttention,
  enfrGru,
  enfrMeanHeads,
  enfrTranslate,
  enfrTransformer,
} from "./model.js";
