/**
 * modelFiles never yields a model with weights it was not saved with: a real failure between the weights and the
 * model.json write (this process's file-size limit, set with prlimit) leaves the old pair loading; a torn pair,
 * a truncated, extended or flipped weights file, a missing one or a bad manifest is refused naming the file;
 * saves from before the checksum load with a warning after a size check. Uses a plain tfjs dense model.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { modelFiles } from "../../lib/io/modelFiles.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

let dir: string;
let n = 0;
before(async () => {
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), "attnlab-model-integrity-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const fresh = () => join(dir, `m${n++}`);
const modelJsonOf = (folder: string) => JSON.parse(readFileSync(join(folder, "model.json"), "utf8"));
const weightsOf = (folder: string): string => join(folder, modelJsonOf(folder).weightsManifest[0].paths[0]);

function dense(seed: number): tf.Sequential {
  const init = tf.initializers.randomNormal({ seed });
  return tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], kernelInitializer: init })] });
}

/** The model's output on one fixed input. */
function predict(model: tf.LayersModel): number[] {
  return tf.tidy(() => Array.from((model.predict(tf.tensor2d([[1, -2, 3, 0.5]])) as tf.Tensor).dataSync()));
}

async function saved(seed: number, folder = fresh()): Promise<{ folder: string; output: number[] }> {
  const model = dense(seed);
  await model.save(modelFiles(folder, { overwrite: true }));
  const output = predict(model);
  model.dispose();
  return { folder, output };
}

async function loads(folder: string): Promise<number[]> {
  const model = await tf.loadLayersModel(modelFiles(folder));
  const output = predict(model);
  model.dispose();
  return output;
}

/** Runs the fixture child: it saves seed `seed` over `folder` after its file-size limit drops to 64 KiB. */
function saveUnderFileLimit(folder: string, seed: number): Promise<string> {
  const fixture = join(__dirname, "fixtures", "saveUnderFileLimit.ts");
  const child = spawn(process.execPath, ["--import", "tsx", fixture, folder, String(seed)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.endsWith("ready\n")) {
        execFileSync("prlimit", ["--pid", String(child.pid), "--fsize=65536:65536"]);
        child.stdin.write("go\n");
      }
    });
    child.once("error", reject);
    child.once("exit", () => resolve(out));
  });
}

test("a failure between the weights write and the model.json write leaves the old model loading", async () => {
  const old = await saved(1);
  const before = readFileSync(join(old.folder, "model.json"));
  const out = await saveUnderFileLimit(old.folder, 2);
  assert.match(out, /failed: EFBIG/, "the second write failed, as injected");
  assert.deepEqual(readFileSync(join(old.folder, "model.json")), before, "model.json is the old one");
  assert.deepEqual(await loads(old.folder), old.output, "the old pair loads with the old weights");
  const left = readdirSync(old.folder).filter((f) => f.endsWith(".tmp"));
  assert.deepEqual(left, [], "no temp file is left behind");
});

test("a torn pair (another save's weights under the name model.json names) is refused naming the file", async () => {
  const a = await saved(3);
  const b = await saved(4);
  copyFileSync(weightsOf(b.folder), weightsOf(a.folder));
  await assert.rejects(
    loads(a.folder),
    new RegExp(
      `${weightsOf(a.folder).replaceAll(".", "\\.")} does not match the sha256 recorded in .*model\\.json`,
    ),
  );
});

type Damage = (folder: string) => void;
const DAMAGES: [string, Damage, RegExp][] = [
  [
    "truncated",
    (f) => truncateSync(weightsOf(f), 56),
    /weights\.[0-9a-f]{16}\.bin has 56 bytes but .*model\.json says 60/,
  ],
  ["emptied", (f) => truncateSync(weightsOf(f), 0), /\.bin has 0 bytes but .* says 60 \(truncated/],
  ["extended", (f) => writeFileSync(weightsOf(f), Buffer.alloc(64)), /\.bin has 64 bytes but .* says 60/],
  [
    "one byte flipped",
    (f) => {
      const bytes = readFileSync(weightsOf(f));
      bytes[7]! ^= 0x01;
      writeFileSync(weightsOf(f), bytes);
    },
    /weights\.[0-9a-f]{16}\.bin does not match the sha256/,
  ],
  [
    "deleted",
    (f) => rmSync(weightsOf(f)),
    /weights file \(named by .*model\.json\) .*\.bin cannot be read \(ENOENT\)/,
  ],
  [
    "a folder",
    (f) => {
      const w = weightsOf(f);
      rmSync(w);
      mkdirSync(w);
    },
    /\.bin is not a regular file/,
  ],
  ["model.json not JSON", (f) => writeFileSync(join(f, "model.json"), "{"), /model\.json is not valid JSON/],
  [
    "manifest path outside",
    (f) => edit(f, (j) => (j.weightsManifest[0].paths = ["../other/weights.bin"])),
    /model\.json has no valid weightsManifest/,
  ],
  [
    "checksum missing for a path",
    (f) => edit(f, (j) => (j.weightsFiles[0].path = "weights.0000000000000000.bin")),
    /model\.json records no checksum for .*weights\.[0-9a-f]{16}\.bin/,
  ],
  ["bad checksum entry", (f) => edit(f, (j) => (j.weightsFiles[0].sha256 = "xyz")), /weightsFiles must list/],
];

// biome-ignore lint/suspicious/noExplicitAny: the test edits model.json field by field.
function edit(folder: string, change: (json: any) => void): void {
  const json = modelJsonOf(folder);
  change(json);
  writeFileSync(join(folder, "model.json"), JSON.stringify(json));
}

test("a damaged weights file or manifest is refused, naming the file", async () => {
  for (const [what, damage, message] of DAMAGES) {
    const { folder } = await saved(5);
    damage(folder);
    await assert.rejects(loads(folder), message, what);
  }
});

test("an older save (weights.bin, no checksum) loads with a warning after a size check; saving again upgrades it", async () => {
  const { folder, output } = await saved(6);
  const legacy = fresh();
  mkdirSync(legacy);
  renameSync(weightsOf(folder), join(legacy, "weights.bin"));
  const json = modelJsonOf(folder);
  delete json.weightsFiles;
  json.weightsManifest[0].paths = ["weights.bin"];
  writeFileSync(join(legacy, "model.json"), JSON.stringify(json));
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on("warning", onWarning);
  try {
    assert.deepEqual(await loads(legacy), output);
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off("warning", onWarning);
  }
  assert.equal(warnings.length, 1);
  assert.equal((warnings[0] as NodeJS.ErrnoException).code, "ATTNLAB_UNVERIFIED_WEIGHTS");
  assert.match(warnings[0]!.message, /records no weights checksum .* checked for size only/);
  const model = await tf.loadLayersModel(modelFiles(legacy));
  await model.save(modelFiles(legacy, { overwrite: true }));
  model.dispose();
  assert.ok(!existsSync(join(legacy, "weights.bin")), "the old weights file is removed after the switch");
  assert.equal(readdirSync(legacy).length, 2);
  assert.deepEqual(await loads(legacy), output);
  truncateSync(join(legacy, readdirSync(legacy).find((f) => f.endsWith(".bin"))!), 30);
  const older = fresh();
  mkdirSync(older);
  writeFileSync(join(older, "weights.bin"), Buffer.alloc(30));
  writeFileSync(join(older, "model.json"), JSON.stringify(json));
  await assert.rejects(loads(older), /weights\.bin hold 30 bytes of weights but .*model\.json describes 60/);
});

test("saving over a model switches to the new pair and removes only the old weights file", async () => {
  const first = await saved(7);
  const oldWeights = weightsOf(first.folder);
  writeFileSync(join(first.folder, "notes.txt"), "mine\n");
  const second = await saved(8, first.folder);
  assert.notDeepEqual(second.output, first.output);
  assert.ok(!existsSync(oldWeights));
  assert.deepEqual(readdirSync(first.folder).sort(), [
    "model.json",
    "notes.txt",
    weightsOf(first.folder).split("/").pop(),
  ]);
  assert.deepEqual(await loads(first.folder), second.output);
});

const BAD_OPTIONS: [() => unknown, RegExp][] = [
  [() => modelFiles("", {}), /^RangeError: modelFiles: dir must be a non-empty string, got ""/],
  [() => modelFiles(3 as unknown as string), /^TypeError: modelFiles: dir must be a non-empty string, got 3/],
  [() => modelFiles(undefined as unknown as string), /^TypeError: modelFiles: dir is required/],
  [
    () => modelFiles("x", { overwite: true } as object),
    /unknown option "overwite" \(did you mean "overwrite"\?\)/,
  ],
  [
    () => modelFiles("x", { overwrite: "yes" } as object),
    /^TypeError: modelFiles: options\.overwrite must be a boolean/,
  ],
  [() => modelFiles("x", "overwrite" as unknown as object), /modelFiles: options must be an object/],
];

test("modelFiles checks its folder and options", () => {
  for (const [call, message] of BAD_OPTIONS) {
    assert.throws(call, (err: Error) => message.test(`${err.name}: ${err.message}`), String(call));
  }
});
