/**
 * A training panel: settings (steps, batch size, learning rate with linear warm-up, seed, optionally the model
 * preset), Train/Stop buttons, a live loss curve and the per-step time; when training ends it evaluates the
 * model and hands it to the {@link ModelInspector}. The task (copy, EN→FR) supplies the model, the batches and
 * the evaluation; the step itself is lib/models' `trainStep`. Publishes `data-state`, `data-losses`,
 * `data-step-ms` and `data-backend` for tests.
 */
import * as tf from "@tensorflow/tfjs";
import { trainStep, warmupRate } from "../../../lib/models/seq2seqTraining.js";
import type { Transformer } from "../../../lib/models/transformer.js";
import { setLearningRate } from "../../../lib/train/fit.js";
import type { TokenCodec } from "./codecs.js";
import { el, labelled, messageOf, numberInput, select } from "./dom.js";
import { LossChart } from "./lossChart.js";
import type { ModelInspector } from "./modelInspector.js";
import { numbersToJson } from "./numbersJson.js";
import { trainLoop, typicalStepMs } from "./trainLoop.js";

/** The panel's settings. */
export interface TrainSettings {
  steps: number;
  batchSize: number;
  learningRate: number;
  warmup: number;
  seed: number;
  preset: "tiny" | "small";
}

/** A task's model and batches for one run. */
export interface TrainRun {
  model: Transformer;
  /** A fresh teacher-forcing batch (the panel disposes its tensors). */
  batch: () => { src: tf.Tensor; tgtIn: tf.Tensor; tgtOut: tf.Tensor; srcValidLens?: tf.Tensor };
  padId?: number;
}

/** What a task adds to the panel. */
export interface TrainTask {
  id: string;
  title: string;
  note: string;
  defaults: TrainSettings;
  /** Offer the tiny/small preset choice. */
  presets: boolean;
  codec: () => TokenCodec;
  prepare(settings: TrainSettings): TrainRun;
  /** Evaluates the trained model: a line of text and the input to inspect. */
  evaluate(model: Transformer, settings: TrainSettings): { report: string; input: string };
}

export class TrainerPanel {
  readonly element: HTMLElement;
  private readonly chart: LossChart;
  private readonly status = el("p", { class: "status" }, "\u00a0");
  private readonly report = el("p", { class: "report" });
  private readonly inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  private stopRequested = false;

  constructor(
    private readonly task: TrainTask,
    private readonly inspector: ModelInspector,
  ) {
    this.chart = new LossChart(task.id);
    this.element = el(
      "section",
      { id: task.id, class: "panel", "data-state": "idle" },
      el("h2", {}, task.title),
      el("p", { class: "note" }, task.note),
      this.controls(),
      this.chart.element,
      this.status,
      this.report,
    );
  }

  private controls(): HTMLElement {
    const d = this.task.defaults;
    const id = (name: string) => `${this.task.id}-${name}`;
    const i = this.inputs;
    i.steps = numberInput(id("steps"), d.steps, { min: "1" });
    i.batchSize = numberInput(id("batch"), d.batchSize, { min: "1" });
    i.learningRate = numberInput(id("lr"), d.learningRate, { min: "0", step: "0.0005" });
    i.warmup = numberInput(id("warmup"), d.warmup, { min: "0" });
    i.seed = numberInput(id("seed"), d.seed, { min: "0" });
    i.preset = select(id("preset"), { tiny: "tiny", small: "small" }, d.preset);
    const train = el("button", { id: id("train"), type: "button" }, "train");
    const stop = el("button", { id: id("stop"), type: "button" }, "stop");
    train.addEventListener("click", () => void this.train());
    stop.addEventListener("click", () => {
      this.stopRequested = true;
    });
    const box = el(
      "div",
      { class: "controls" },
      labelled("steps", i.steps),
      labelled("batch", i.batchSize),
      labelled("learning rate", i.learningRate),
      labelled("warm-up steps", i.warmup),
      labelled("seed", i.seed),
    );
    if (this.task.presets) box.append(labelled("preset", i.preset));
    box.append(train, stop);
    return box;
  }

  private settings(): TrainSettings {
    const n = (key: string) => Number(this.inputs[key]!.value);
    return {
      steps: Math.max(1, Math.round(n("steps"))),
      batchSize: Math.max(1, Math.round(n("batchSize"))),
      learningRate: n("learningRate"),
      warmup: Math.max(0, Math.round(n("warmup"))),
      seed: Math.round(n("seed")),
      preset: this.inputs.preset!.value === "small" ? "small" : "tiny",
    };
  }

  /** Trains a fresh model with the current settings, then evaluates it and hands it to the inspector. */
  async train(): Promise<void> {
    if (this.element.dataset.state === "training") return;
    this.stopRequested = false;
    this.element.dataset.state = "training";
    this.chart.reset();
    this.report.textContent = "";
    const s = this.settings();
    try {
      const run = this.task.prepare(s);
      const optimizer = tf.train.adam(s.learningRate, 0.9, 0.98, 1e-9);
      const log = await trainLoop({
        steps: s.steps,
        stopped: () => this.stopRequested,
        step: (index) => {
          setLearningRate(optimizer, warmupRate(index + 1, s.learningRate, s.warmup));
          const batch = run.batch();
          const loss = trainStep(run.model, optimizer, batch, run.padId);
          tf.dispose(Object.values(batch));
          return loss;
        },
        onStep: (index, loss, ms) => {
          this.chart.push(loss);
          this.status.textContent = `step ${index + 1}/${s.steps} · loss ${loss.toFixed(4)} · ${ms.toFixed(1)} ms/step on ${tf.getBackend()}`;
        },
      });
      optimizer.dispose();
      const stepMs = typicalStepMs(log.stepMs);
      Object.assign(this.element.dataset, {
        losses: numbersToJson(log.losses),
        stepMs: String(stepMs),
        backend: tf.getBackend(),
      });
      const { report, input } = this.task.evaluate(run.model, s);
      this.report.textContent = `${report} Typical step: ${stepMs.toFixed(1)} ms on ${tf.getBackend()}.`;
      this.inspector.setModel(
        run.model,
        this.task.codec(),
        `${this.task.title}, ${log.losses.length} steps`,
        input,
      );
      this.element.dataset.state = "done";
    } catch (err) {
      this.report.textContent = `Training failed: ${messageOf(err)}`;
      this.element.dataset.state = "error";
    }
  }
}
