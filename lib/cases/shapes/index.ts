// Case study: CNN soft spatial attention on synthetic shapes.
export {
  generateShapes,
  SHAPES_CLASSES,
  SHAPES_MASKS,
  type ShapesData,
  type ShapesOptions,
  type ShapesSet,
  shapesBatch,
  shapesData,
} from "./data.js";
export {
  SHAPES_DEFAULTS,
  SHAPES_TARGETS,
  type ShapesArtifacts,
  type ShapesConfig,
  type ShapesEvaluation,
  shapesEvaluate,
  shapesExperiment,
} from "./experiment.js";
export { type ShapesModelConfig, shapesModel } from "./model.js";
