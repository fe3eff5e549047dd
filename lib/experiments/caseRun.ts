/**
 * What every case's `run` shares after data → model → training: models freed if a step throws, and the output
 * assembled one way (the main model's history, its final metrics plus the epochs it trained). With `fitAdam`
 * (lib/train/fitAdam.ts) this is the whole scaffold; a case writes only its own steps (lib/cases/README.md).
 */
import type { RecordedEpoch } from "../records/record.js";
import type { DatasetInfo, ExperimentOutput } from "./experiment.js";

/** Registers a model with {@link disposeOnError}; `dispose` says how to free it (default `model.dispose()`). */
export type Own = <M>(model: M, dispose?: (model: M) => void) => M;

/**
 * Runs `body`, handing it `own`: every model registered with `own` is disposed if `body` throws (an interrupt, a
 * non-finite loss), and left to the caller if it returns (the output's artifacts hold them).
 * @example
 *   return disposeOnError(async (own) => {
 *     const model = own(shapesModel(config), (cnn) => cnn.model.dispose());
 *     const training = await fitAdam({ … });
 *     return caseOutput(data.dataset, training, shapesEvaluate(model, data.test, config).metrics, { model });
 *   });
 */
export async function disposeOnError<T>(body: (own: Own) => Promise<T>): Promise<T> {
  const owned: (() => void)[] = [];
  const own: Own = (model, dispose) => {
    owned.push(() => (dispose ? dispose(model) : (model as { dispose(): unknown }).dispose()));
    return model;
  };
  try {
    return await body(own);
  } catch (error) {
    for (const free of owned.reverse()) free();
    throw error;
  }
}

/**
 * The output of a case's run: the data's descriptor, the main training run's history, its final `metrics` plus
 * `epochs` (how many it trained, early stopping included), and the artifacts for the notebook.
 */
export function caseOutput<A>(
  dataset: DatasetInfo,
  training: { history: RecordedEpoch[] },
  metrics: Readonly<Record<string, number>>,
  artifacts: A,
): ExperimentOutput<A> {
  return {
    dataset,
    history: training.history,
    metrics: { ...metrics, epochs: training.history.length },
    artifacts,
  };
}
