/**
 * Shared checks for the CNN and pooling attention layer tests: run a suite on wasm and on cpu, compare
 * tensors with plain arrays, round-trip a layer through getConfig/fromConfig and a model through an in-memory
 * save/load, and train a tiny model while counting tensors.
 */
import assert from "node:assert/strict";
import { before, describe } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { setupWasm } from "../tfjs/backends.js";

export const BACKENDS = ["wasm", "cpu"] as const;

let started: Promise<void> | undefined;

/** Defines `suite` once per backend; each copy switches to its backend before its tests run. */
export function onEachBackend(title: string, suite: (backend: string) => void): void {
  for (const backend of BACKENDS) {
    describe(`${title} (${backend})`, () => {
      before(async () => {
        started ??= setupWasm();
        await started;
        await tf.setBackend(backend);
        await tf.ready();
      });
      suite(backend);
    });
  }
}

/** Flattens nested number arrays. */
export function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x as number];
}

/** Shape of a nested number array (the first element's at each depth). */
export function shapeOf(x: unknown): number[] {
  return Array.isArray(x) ? [x.length, ...shapeOf(x[0])] : [];
}

/** Asserts max |got − want| ≤ tol over all elements, with equal lengths. */
export function assertClose(got: unknown, want: unknown, tol: number, where: string): void {
  const [g, w] = [flat(got), flat(want)];
  assert.equal(g.length, w.length, `${where}: ${g.length} values, expected ${w.length}`);
  const worst = Math.max(0, ...w.map((v, i) => Math.abs(v - g[i]!)));
  assert.ok(worst <= tol, `${where}: differs by ${worst} > ${tol}`);
}

/** Output(s) of `f` as nested arrays, computed in a tidy. */
export function values(f: () => tf.Tensor | tf.Tensor[]): unknown[] {
  return tf.tidy(() => {
    const out = f();
    return (Array.isArray(out) ? out : [out]).map((t) => t.arraySync());
  });
}

/** Copies a model or layer's weights into another, identical in structure. */
export function copyWeights(
  from: tf.layers.Layer | tf.LayersModel,
  to: tf.layers.Layer | tf.LayersModel,
): void {
  to.setWeights(from.getWeights());
}

/** Saves `model` to memory and loads it back (custom layers resolve through tfjs's class registry). */
export async function saveAndLoad(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

/**
 * Compiles `model` with SGD and sparse cross-entropy, checks that one step lowers the loss on (xs, ys), then
 * takes `steps` more and checks that the number of live tensors does not grow. Disposes the optimizer.
 */
export async function trainAndCount(
  model: tf.LayersModel,
  xs: tf.Tensor | tf.Tensor[],
  ys: tf.Tensor,
  steps: number,
): Promise<{ before: number; after: number }> {
  // tfjs's fused matMul (dense layers' backward) trips the engine's per-kernel leak check on wasm (see
  // test/tfjs/trainStep.test.ts); numTensors is counted below instead
  tf.env().set("IS_TEST", false);
  const optimizer = tf.train.sgd(0.1);
  model.compile({ optimizer, loss: "sparseCategoricalCrossentropy" });
  try {
    const first = (await model.trainOnBatch(xs, ys)) as number; // loss before the update
    const second = (await model.trainOnBatch(xs, ys)) as number; // loss after one update
    assert.ok(Number.isFinite(second) && second < first, `one step: loss ${first} → ${second}`);
    const numTensors = tf.memory().numTensors;
    for (let k = 0; k < steps; k++) await model.trainOnBatch(xs, ys);
    assert.equal(tf.memory().numTensors, numTensors, `numTensors after ${steps} training steps`);
    return { before: first, after: second };
  } finally {
    optimizer.dispose();
    tf.env().set("IS_TEST", true);
  }
}

/** Frees the weights of a layer that was only called eagerly (tfjs's `dispose` wants a symbolic call first). */
export function disposeWeights(layer: tf.layers.Layer): void {
  for (const w of layer.weights) w.dispose();
}

/** Asserts that `f` leaves numTensors unchanged over a few calls (after a warm-up). */
export function assertFlat(where: string, f: () => tf.Tensor | tf.Tensor[] | object): void {
  const run = () => tf.dispose(f() as tf.TensorContainer);
  run();
  const numTensors = tf.memory().numTensors;
  for (let k = 0; k < 5; k++) run();
  assert.equal(tf.memory().numTensors, numTensors, `${where}: tensors leaked`);
}

/** What {@link assertRoundTrips} checks: a layer, its class, symbolic inputs, expected config entries, a feed. */
export interface RoundTrip<L extends tf.layers.Layer> {
  layer: L;
  cls: tf.serialization.SerializableConstructor<L>;
  /** Symbolic inputs the layer is applied to, to make a model that saves and loads. */
  inputs: tf.SymbolicTensor | tf.SymbolicTensor[];
  /** The shape the clone from `fromConfig` is built with. */
  buildShape: tf.Shape;
  /** Entries `getConfig()` must hold. */
  config: Record<string, unknown>;
  /** Concrete inputs to compare outputs on (disposed by the caller). */
  feed: tf.Tensor | tf.Tensor[];
}

/**
 * getConfig → fromConfig (with the weights copied) and a model save → load both give outputs identical to the
 * layer's on `feed`. Returns the disposer of what it made (the model owns the layer: call it last).
 */
export async function assertRoundTrips<L extends tf.layers.Layer>(r: RoundTrip<L>): Promise<() => void> {
  const model = tf.model({ inputs: r.inputs, outputs: r.layer.apply(r.inputs) as tf.SymbolicTensor[] });
  const config = r.layer.getConfig();
  for (const [k, v] of Object.entries(r.config)) assert.equal(config[k], v, k);
  const clone = r.cls.fromConfig(r.cls, config) as L;
  clone.build(r.buildShape);
  clone.setWeights(r.layer.getWeights());
  const want = values(() => r.layer.apply(r.feed) as tf.Tensor[]);
  assertClose(
    values(() => clone.apply(r.feed) as tf.Tensor[]),
    want,
    0,
    "fromConfig",
  );
  const loaded = await saveAndLoad(model);
  assertClose(
    values(() => loaded.predict(r.feed) as tf.Tensor[]),
    want,
    0,
    "save → load",
  );
  return () => {
    for (const m of [model, loaded]) m.dispose();
    disposeWeights(clone);
  };
}
