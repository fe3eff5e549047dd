/**
 * The segmentation case: the scene generator is seeded and draws its objects and masks where it says, the default
 * data hash matches the dataset README, the model's shapes and class maps are right, bad input gets a clear
 * error, nothing leaks, a quick run completes and repeats exactly, and the exercise checks say right, not yet
 * and wrong with a hint.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../lib/cases/exercises.js";
import { generateScenes, segmentationBatch, segmentationData } from "../../lib/cases/segmentation/data.js";
import {
  SEGMENTATION_DEFAULTS,
  SEGMENTATION_TARGETS,
  type SegmentationConfig,
  segmentationEvaluate,
  segmentationExperiment,
  segmentationPredict,
  segmentationTopKIoU,
} from "../../lib/cases/segmentation/experiment.js";
import {
  ClassQueryAttention,
  type SegmentationModel,
  segmentationModel,
} from "../../lib/cases/segmentation/model.js";
import { receptiveFieldMap } from "../../lib/cases/segmentation/receptiveField.js";
import { SHAPES_MASKS } from "../../lib/cases/shapes/data.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { assertNotYetAndMalformed } from "../exercises/cases/caseSetHelpers.js";
import { checkerFor } from "../exercises/checker.js";

const check = checkerFor("cases/13-segmentation-class-queries");
const disposeNet = (net: SegmentationModel) => net.model.dispose();

before(async () => {
  await initBackend();
});

test("generateScenes: seeded, 2–3 objects one pixel apart, labels and masks agree with the objects", () => {
  const a = generateScenes({ seed: 3, size: 60 });
  assert.deepEqual(generateScenes({ seed: 3, size: 60 }), a);
  assert.notDeepEqual(generateScenes({ seed: 4, size: 60 }).labels, a.labels);
  a.images.forEach((image, n) => {
    assert.equal(image.length, 24);
    assert.ok(image.every((r) => r.length === 24));
    const objects = a.objects[n]!;
    assert.ok(objects.length >= 2 && objects.length <= 3, `${objects.length} objects`);
    for (const [i, o] of objects.entries()) {
      assert.ok(o.top >= 0 && o.top <= 19 && o.left >= 0 && o.left <= 19);
      for (const p of objects.slice(i + 1)) {
        assert.ok(Math.abs(o.top - p.top) > 5 || Math.abs(o.left - p.left) > 5, "boxes keep a one-pixel gap");
      }
    }
    assert.deepEqual(
      a.labels[n],
      [0, 1, 2].map((c) => (objects.some((o) => o.label === c) ? 1 : 0)),
    );
    // each class's mask is exactly the union of its objects' shape pixels
    a.masks[n]!.forEach((mask, c) => {
      const expected = Array.from({ length: 24 }, () => new Array(24).fill(0));
      for (const o of objects.filter((x) => x.label === c)) {
        SHAPES_MASKS[c]!.forEach((row, i) =>
          row.forEach((on, j) => {
            if (on) expected[o.top + i]![o.left + j] = 1;
          }),
        );
      }
      assert.deepEqual(mask, expected);
    });
  });
  // the shape pixels are bright: their mean intensity is ≈ 1 + noise
  let [sum, count] = [0, 0];
  a.masks.forEach((masks, n) =>
    masks.forEach((mask) =>
      mask.forEach((row, i) =>
        row.forEach((on, j) => {
          if (on) [sum, count] = [sum + a.images[n]![i]![j]!, count + 1];
        }),
      ),
    ),
  );
  assert.ok(sum / count > 0.9 && sum / count < 1.2, `mean on the shapes ${sum / count}`);
});

test("generateScenes, segmentationData and the evaluation reject bad input with a clear error", async () => {
  assert.throws(() => generateScenes({ seed: 0, size: 0 }), /generateScenes: options\.size.*0/);
  assert.throws(() => generateScenes({ seed: 0, size: 2, sise: 3 } as never), /unknown option.*sise/);
  assert.throws(
    () => generateScenes({ seed: 0, size: 2, objects: [3, 2] }),
    /objects must be \[fewest, most\].*\[3,2\]/,
  );
  assert.throws(() => generateScenes({ seed: 0, size: 2, objects: [1, 99] }), /most ≤ 16.*\[1,99\]/);
  assert.throws(() => generateScenes({ seed: 0, size: 2, objects: "2" as never }), /objects must be/);
  assert.throws(() => generateScenes({ seed: 0, size: 2, noise: -1 }), /options\.noise.*-1/);
  assert.throws(
    () => segmentationData({ seed: 0, trainSize: 1.5, validationSize: 2, testSize: 2 }),
    /size.*1\.5/,
  );
  assert.throws(() => segmentationModel({ seed: 0, filters: [], temperature: 1 }), /config\.filters.*\[\]/);
  assert.throws(() => segmentationTopKIoU([[1, 0]], [[1, 0]], 3), /k must be an integer from 1 to 2, got 3/);
  assert.throws(() => segmentationTopKIoU([[1, 0]], [[1, 0, 0]], 1), /map has 2 pixels but mask has 3/);
  assert.throws(() => new ClassQueryAttention({ classes: 0 }), /classes/);
  assert.throws(() => new ClassQueryAttention({ classes: 3, temperature: 0 }), /temperature.*0/);
  const opts = { quick: true, record: false, progress: "none", log: false } as const;
  await Promise.all([
    assert.rejects(
      runExperiment(segmentationExperiment, { ...opts, config: { epoch: 2 } }),
      /unknown option "config\.epoch".*did you mean "epochs"/,
    ),
    assert.rejects(
      runExperiment(segmentationExperiment, { ...opts, config: { threshold: 1 } }),
      /config\.threshold.*1/,
    ),
    assert.rejects(
      runExperiment(segmentationExperiment, { ...opts, config: { temperature: -1 } }),
      /config\.temperature.*-1/,
    ),
  ]);
});

test("receptiveFieldMap: a box sum over the (2·radius + 1)² window, clipped at the border; bad input names its argument", () => {
  const map = [
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ];
  // radius 0: the map itself (a fresh copy)
  const same = receptiveFieldMap(map, 0);
  assert.deepEqual(same, map);
  assert.notEqual(same, map);
  // radius 1, by hand: corner (0, 0) sums rows 0–1 × cols 0–1 = 1+2+4+5; edge (0, 1) sums rows 0–1 × cols 0–2;
  // the centre sums all nine
  assert.deepEqual(receptiveFieldMap(map, 1), [
    [12, 21, 16],
    [27, 45, 33],
    [24, 39, 28],
  ]);
  // a radius past the border: every pixel sees the whole map
  assert.deepEqual(receptiveFieldMap(map, 5), [
    [45, 45, 45],
    [45, 45, 45],
    [45, 45, 45],
  ]);
  // one weight spreads to the window around it; a non-square map
  assert.deepEqual(
    receptiveFieldMap(
      [
        [0, 0, 0, 0],
        [0, 1, 0, 0],
      ],
      1,
    ),
    [
      [1, 1, 1, 0],
      [1, 1, 1, 0],
    ],
  );
  assert.deepEqual(
    receptiveFieldMap(
      [
        [1, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
      1,
    ),
    [
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 0],
    ],
  );
  assert.deepEqual(receptiveFieldMap([[0.25]], 2), [[0.25]]);
  for (const bad of [-1, 1.5, Number.NaN]) {
    assert.throws(() => receptiveFieldMap(map, bad), /receptiveFieldMap: radius must be an integer ≥ 0/);
  }
  assert.throws(() => receptiveFieldMap([], 1), /receptiveFieldMap: map must be a non-empty rectangular/);
  assert.throws(() => receptiveFieldMap([[]], 1), /receptiveFieldMap: map must be/);
  assert.throws(() => receptiveFieldMap([[1, 2], [3]], 1), /receptiveFieldMap: map must be.*\[2,1\]/);
});

test("segmentationTopKIoU: the k largest pixels against the mask", () => {
  const map = [
    [0.5, 0.3],
    [0.1, 0.1],
  ];
  assert.equal(
    segmentationTopKIoU(
      map,
      [
        [1, 0],
        [1, 0],
      ],
      2,
    ),
    1 / 3,
  );
  assert.equal(
    segmentationTopKIoU(
      map,
      [
        [1, 1],
        [0, 0],
      ],
      2,
    ),
    1,
  );
  assert.equal(
    segmentationTopKIoU(
      map,
      [
        [0, 0],
        [0, 1],
      ],
      1,
    ),
    0,
  );
  // ties are broken by pixel order: the two 0.1s, the first one taken
  assert.equal(
    segmentationTopKIoU(
      map,
      [
        [0, 0],
        [1, 0],
      ],
      3,
    ),
    1 / 3,
  );
});

test("the default dataset hash is the one in datasets/segmentation/README.md", () => {
  const { dataset } = segmentationData(SEGMENTATION_DEFAULTS);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "segmentation", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("batch, model and class maps: shapes, every map sums to 1, applyWithAttention agrees, no tensor leaks", () => {
  const set = generateScenes({ seed: 1, size: 5 });
  const net = segmentationModel({ seed: 2, filters: [4, 6], temperature: 1 });
  try {
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const { x, y } = segmentationBatch(set, [0, 2, 4]);
      assert.deepEqual(x.shape, [3, 24, 24, 1]);
      assert.deepEqual(y.shape, [3, 3]);
      assert.equal(y.dtype, "float32");
      assert.deepEqual(y.arraySync(), [set.labels[0], set.labels[2], set.labels[4]]);
      const logits = net.model.predict(x) as tf.Tensor;
      assert.deepEqual(logits.shape, [3, 3]);
      const maps = net.inspector.predict(x) as tf.Tensor;
      assert.deepEqual(maps.shape, [3, 3, 24, 24]);
      const sums = tf.sum(maps, [2, 3]).arraySync() as number[][];
      assert.ok(
        sums.flat().every((s) => Math.abs(s - 1) < 1e-5),
        JSON.stringify(sums),
      );
      // the layer's eager applyWithAttention gives the same logits and maps as the model graph
      let features: tf.Tensor = x;
      for (const name of ["conv0", "conv1"]) features = net.model.getLayer(name).apply(features) as tf.Tensor;
      const queries = net.model.getLayer("classQueries") as ClassQueryAttention;
      const r = queries.applyWithAttention(features);
      assert.ok(tf.max(tf.abs(tf.sub(r.output, logits))).dataSync()[0]! < 1e-5);
      assert.ok(tf.max(tf.abs(tf.sub(r.attention, maps))).dataSync()[0]! < 1e-6);
    });
    assert.equal(tf.memory().numTensors, start, "forward passes leave no tensors");
    const before = tf.memory().numTensors;
    const p = segmentationPredict(net, set, 2);
    const ev = segmentationEvaluate(net, set, SEGMENTATION_DEFAULTS);
    assert.equal(tf.memory().numTensors, before, "predict and evaluate leave no tensors");
    assert.equal(p.probs.length, 5);
    assert.ok(p.probs.flat().every((v) => v > 0 && v < 1));
    assert.deepEqual(ev.probs, p.probs);
    assert.ok(ev.iou.every((row, n) => row.every((v, c) => (v === null) === (set.labels[n]![c] === 0))));
    // the IoU ranks the maps spread over the receptive field of the two conv blocks (radius 2), not the raw maps
    assert.deepEqual(ev.maps, p.maps);
    assert.deepEqual(ev.regions[1]![2], receptiveFieldMap(p.maps[1]![2]!, 2));
    ev.iou.forEach((row, n) =>
      row.forEach((v, c) => {
        if (v === null) return;
        const size = set.masks[n]![c]!.flat().reduce((s, x) => s + x, 0);
        assert.equal(v, segmentationTopKIoU(ev.regions[n]![c]!, set.masks[n]![c]!, size));
      }),
    );
    assert.ok(Object.values(ev.metrics).every(Number.isFinite), JSON.stringify(ev.metrics));
    assert.throws(() => segmentationEvaluate(net, set, SEGMENTATION_DEFAULTS, { k: 0 }), /options\.k.*0/);
    assert.throws(
      () => segmentationEvaluate(net, set, SEGMENTATION_DEFAULTS, { kk: 3 } as never),
      /unknown option.*kk/,
    );
    assert.throws(
      () => segmentationEvaluate(net, set, { threshold: 2 }),
      /config\.threshold.*between 0 and 1.*2/,
    );
    assert.throws(() => segmentationPredict(net, set, 0), /batchSize must be a positive integer, got 0/);
  } finally {
    disposeNet(net);
  }
});

test("the model's weights follow the seed rule and disposing the model frees them", () => {
  const start = tf.memory().numTensors;
  const a = segmentationModel({ seed: 7, filters: [4], temperature: 1 });
  const b = segmentationModel({ seed: 7, filters: [4], temperature: 1 });
  const c = segmentationModel({ seed: 8, filters: [4], temperature: 1 });
  const values = (net: SegmentationModel) => net.model.getWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(values(a), values(b));
  assert.notDeepEqual(values(a), values(c));
  for (const net of [a, b, c]) disposeNet(net);
  assert.equal(
    tf.memory().numTensors,
    start,
    "model.dispose() frees every weight (the inspector shares them)",
  );
});

/** The quick-mode run the exercise tests reuse (trained nets; the checks only ask that a net left its initial weights). */
const small: SegmentationConfig = {
  ...SEGMENTATION_DEFAULTS,
  seed: 3,
  trainSize: 160,
  validationSize: 20,
  testSize: 40,
  epochs: 1,
  filters: [4, 4],
};
const nets: SegmentationModel[] = [];
after(() => {
  for (const net of nets) disposeNet(net);
});

test("a quick run completes, is finite, leaves no tensors and repeats exactly", async () => {
  const opts = { quick: true, record: false, progress: "none", log: false } as const;
  const config = { trainSize: 96, validationSize: 16, testSize: 32 };
  const before = tf.memory().numTensors;
  const a = await runExperiment(segmentationExperiment, { ...opts, config });
  disposeNet(a.artifacts.net);
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(segmentationExperiment, { ...opts, config });
  disposeNet(b.artifacts.net);
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(Object.keys(a.metrics).sort(), [
    "accuracy",
    "epochs",
    "iou.plus",
    "iou.ring",
    "iou.square",
    "labelAccuracy",
    "meanIoU",
  ]);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.ok(afterFirst - before <= 8, `${afterFirst - before} tensors left after dispose`);
  assert.deepEqual(
    SEGMENTATION_TARGETS.map((t) => `${t.metric} ${t.op} ${t.value}`),
    ["accuracy >= 0.9", "meanIoU >= 0.4"],
  );
});

/** `segmentationModel(config)` trained by the case's own run, quietly. */
async function trained(config: SegmentationConfig): Promise<SegmentationModel> {
  const { artifacts } = await segmentationExperiment.run(config, { progress: "none", quick: true });
  nets.push(artifacts.net);
  return artifacts.net;
}
const heldOut = (config: SegmentationConfig) => segmentationData(config).test;

test("segmentationData: validation is drawn like test from its own seed, disjoint from train and test; train and test do not depend on it", () => {
  const config = { seed: 5, trainSize: 40, validationSize: 20, testSize: 30 };
  const data = segmentationData(config);
  assert.deepEqual(data.dataset.sizes, { train: 40, validation: 20, test: 30 });
  const key = (image: number[][]) => JSON.stringify(image);
  const train = new Set(data.train.images.map(key));
  const test = new Set(data.test.images.map(key));
  assert.ok(
    data.validation.images.every((im) => !train.has(key(im)) && !test.has(key(im))),
    "no validation scene is a train or test scene",
  );
  assert.ok(
    data.test.images.every((im) => !train.has(key(im))),
    "no test scene is a train scene",
  );
  // another validationSize changes neither of the other splits
  const other = segmentationData({ ...config, validationSize: 7 });
  assert.deepEqual(other.train, data.train);
  assert.deepEqual(other.test, data.test);
  assert.deepEqual(other.validation.images, data.validation.images.slice(0, 7));
  assert.throws(() => segmentationData({ ...config, validationSize: 0 }), /size.*0/);
});

test("the experiment's per-epoch history is measured on the validation split, its final metrics on test", async () => {
  const config = { ...small, trainSize: 64, validationSize: 24, testSize: 40, epochs: 2 };
  const { artifacts, history, metrics } = await segmentationExperiment.run(config, {
    progress: "none",
    quick: true,
  });
  nets.push(artifacts.net);
  const last = history.at(-1)!.metrics;
  const onValidation = segmentationEvaluate(artifacts.net, artifacts.data.validation, config).metrics;
  const onTest = segmentationEvaluate(artifacts.net, artifacts.data.test, config).metrics;
  assert.deepEqual(last, onValidation, "the last epoch's metrics are the validation metrics");
  assert.notDeepEqual(onValidation, onTest);
  assert.deepEqual(metrics, { ...onTest, epochs: history.length }, "the final metrics are the test metrics");
  assert.equal(artifacts.final.predicted.length, 40);
});

test("exercise 1: the attention mass on the mask and in the boxes is right; the usual slips get a hint", async () => {
  const net = await trained(small);
  const test = heldOut(small);
  const { maps } = segmentationPredict(net, test);
  // measured as the solution measures it: over the present classes of every held-out scene
  const shares = (every: boolean) => {
    const rows: { mask: number; box: number }[] = [];
    test.objects.forEach((objects, n) => {
      for (let c = 0; c < 3; c++) {
        if (!every && test.labels[n]![c] === 0) continue;
        let [mask, box] = [0, 0];
        maps[n]![c]!.forEach((row, i) =>
          row.forEach((a, j) => {
            if (test.masks[n]![c]![i]![j] === 1) mask += a;
            if (
              objects.some(
                (o) => o.label === c && i - o.top >= 0 && i - o.top < 5 && j - o.left >= 0 && j - o.left < 5,
              )
            )
              box += a;
          }),
        );
        rows.push({ mask, box });
      }
    });
    const mean = (f: (r: { mask: number; box: number }) => number) =>
      rows.reduce((s, r) => s + f(r), 0) / rows.length;
    return { onMask: mean((r) => r.mask), onBoxes: mean((r) => r.box) };
  };
  const right = { config: small, net, ...shares(false) };
  const verdict = check(1, right);
  assert.equal(verdict.status, "right", verdict.message);
  assert.match(verdict.message, /on the class's mask 0\.\d{3}, inside its 5×5 boxes 0\.\d{3}/);
  assert.ok(right.onMask < right.onBoxes, "the boxes hold the masks");
  assert.match(check(1, { ...right, onMask: right.onBoxes, onBoxes: right.onMask }).message, /swapped/);
  assert.match(check(1, { ...right, ...shares(true) }).message, /averages over every class map/);
  assert.match(
    check(1, { ...right, onBoxes: right.onBoxes - 0.01 }).message,
    /`onBoxes` is not the mean attention mass/,
  );
  assert.match(check(1, { ...right, onMask: 2 }).message, /from 0 to 1/);
  assert.match(check(1, { ...right, config: { ...small, seed: 4 } }).message, /not built from/);
  assert.match(
    check(1, { ...right, config: { ...small, temperature: 2 } }).message,
    /has temperature 1, its config 2/,
  );
  const fresh = segmentationModel(small);
  try {
    assert.match(check(1, { ...right, net: fresh }).message, /initial weights/);
  } finally {
    disposeNet(fresh);
  }
  assert.match(check(1, { ...right, net: net.model }).message, /as segmentationModel returns it/);
  assert.match(check(1, { ...right, config: 3 }).message, /settings you trained with/);
});

test("exercise 2: the τ = 4 run's accuracy and mean IoU are right; per-label accuracy and swaps are wrong", async () => {
  const config = { ...small, temperature: 4 };
  const net = await trained(config);
  const { metrics } = segmentationEvaluate(net, heldOut(config), config);
  const right = { config, net, accuracy: metrics.accuracy!, meanIoU: metrics.meanIoU! };
  const verdict = check(2, right);
  assert.equal(verdict.status, "right", verdict.message);
  assert.match(verdict.message, /τ = 4: accuracy 0\.\d{3}, mean IoU 0\.\d{3}/);
  assert.notEqual(metrics.labelAccuracy, metrics.accuracy);
  assert.match(check(2, { ...right, accuracy: metrics.labelAccuracy }).message, /per-label accuracy/);
  assert.notEqual(metrics.meanIoU, metrics.accuracy);
  assert.match(
    check(2, { ...right, meanIoU: metrics.accuracy }).message,
    /is the accuracy, not the mean IoU/,
  );
  assert.match(
    check(2, { ...right, meanIoU: metrics.meanIoU! + 0.01 }).message,
    /not what segmentationEvaluate gives/,
  );
  const atOne = nets[0]!;
  assert.match(check(2, { ...right, config: small, net: atOne }).message, /temperature 4; its config has 1/);
});

test("exercise 3: accuracy and mean IoU on the crowded scenes are right; off numbers are wrong", () => {
  const net = nets[0]!;
  const crowded = generateScenes({ seed: 1, size: 300, objects: [4, 5] });
  assert.ok(crowded.objects.every((o) => o.length >= 4 && o.length <= 5));
  const { metrics } = segmentationEvaluate(net, crowded, SEGMENTATION_DEFAULTS);
  const right = { net, accuracy: metrics.accuracy!, meanIoU: metrics.meanIoU! };
  const verdict = check(3, right);
  assert.equal(verdict.status, "right", verdict.message);
  assert.match(verdict.message, /4–5 objects: accuracy/);
  assert.match(check(3, { ...right, accuracy: metrics.labelAccuracy }).message, /per-label accuracy/);
  // the two-to-three-object numbers of the held-out split are not the crowded ones
  const usual = segmentationEvaluate(net, heldOut(small), SEGMENTATION_DEFAULTS).metrics;
  assert.notEqual(usual.meanIoU, metrics.meanIoU);
  assert.match(check(3, { ...right, meanIoU: usual.meanIoU }).message, /objects: \[4, 5\]/);
  const fresh = segmentationModel(small);
  try {
    assert.match(check(3, { ...right, net: fresh }).message, /initial weights/);
  } finally {
    disposeNet(fresh);
  }
});

test("every exercise: undefined is not yet, malformed answers are wrong without a throw", () => {
  const start = tf.memory().numTensors;
  assertNotYetAndMalformed(check, 3);
  assert.equal(tf.memory().numTensors, start);
});
