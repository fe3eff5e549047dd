/**
 * A self-check claim that holds only for the experiment's full-mode defaults (a target, a calibrated number):
 * checked when the session runs those defaults, skipped with a reason when it runs in quick mode or a learner
 * changed a setting (the seed included), so an exercise that asks for a change never fails the notebook.
 */
import { type CheckValue, skipped } from "../check/selfCheck.js";
import { canonicalJson } from "../records/record.js";
import type { ExperimentConfig } from "./experiment.js";
import type { ExperimentSession } from "./run.js";

/**
 * The settings this session changed from the ones its mode starts from (the full-mode defaults, or those with
 * the quick overrides in quick mode).
 * @example changedSettings(await startExperiment(copyTaskExperiment, { config: { numHeads: 1 } })); // ["numHeads"]
 */
export function changedSettings<C extends ExperimentConfig, A>(session: ExperimentSession<C, A>): string[] {
  const { experiment, config, options } = session;
  const base: Record<string, unknown> = {
    ...experiment.defaults,
    ...(options.quick === true ? experiment.quick : {}),
  };
  return Object.keys(config).filter(
    (key) => canonicalJson((config as Record<string, unknown>)[key]) !== canonicalJson(base[key]),
  );
}

/**
 * `pass` when the session runs the full-mode defaults, else `skipped(…)` saying why.
 * @example selfCheck({ "target: exact ≥ 0.99": targetClaim(session, run.metrics.exact >= 0.99) });
 */
export function targetClaim<C extends ExperimentConfig, A>(
  session: ExperimentSession<C, A>,
  pass: boolean,
): CheckValue {
  const changed = changedSettings(session);
  const quick = session.options.quick === true;
  if (!quick && changed.length === 0) return pass;
  const why = [quick ? "quick mode" : "", changed.length > 0 ? `you changed ${changed.join(", ")}` : ""]
    .filter((s) => s !== "")
    .join(", ");
  return skipped(`holds for the full-mode defaults; this run: ${why}`);
}
