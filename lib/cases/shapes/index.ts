// Case study: CNN soft spatial attention on synthetic shapes (and helpers the other CNN cases share).
export {
  round4,
  SHAPES_CLASSES,
  SHAPES_MASKS,
  type ShapesOptions,
  type ShapesSet,
  shapesData,
} from "./data.js";
export { type ShapesArtifacts, type ShapesConfig, shapesExperiment } from "./experiment.js";
export {
  argmaxRows as cnnArgmaxRows,
  type CnnPrediction,
  cnnCrossEntropy,
  cnnPredict,
  type Images as CnnImages,
  imageBatch as cnnImageBatch,
  mapArgmax as cnnMapArgmax,
} from "./model.js";
