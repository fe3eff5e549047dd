/**
 * End-to-end test of the browser lab (issue #7): builds and serves the site with `npm run lab`'s own script
 * (scripts/lab.mjs, 127.0.0.1, any free port) and drives Debian's Chromium through playwright-core. On
 * `?backend=webgl` (SwiftShader) it checks the backend shown, that a trace on the page equals lib/math's
 * tier-1 numbers, that the copy task trains with falling loss, that heatmaps are drawn (screenshots decoded),
 * that a Transformer saved in the tfjs format loads by URL, and EN→FR trains; then times a copy-task step on
 * webgl and on wasm. Throughout: no console error, no page error, no request leaving localhost.
 * Screenshots go to out/lab/*.png. Without /usr/bin/chromium it fails and says how to install it.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { type AttendOptions, attend, type Matrix } from "../../lib/math/index.js";
import { greedyDecode } from "../../lib/models/decoding.js";
import { Transformer } from "../../lib/models/transformer.js";
import { transformerConfig } from "../../lib/models/transformerConfig.js";
import { saveTransformer } from "../../lib/models/transformerIO.js";
import { modelFiles } from "../../lib/io/modelFiles.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { hasChromium, launchOffline, missingChromium, type OfflineBrowser } from "../browser.js";
import { decodePng, distinctColours } from "./png.js";

const ROOT = join(__dirname, "..", "..");
const SHOTS = join(ROOT, "out", "lab");
const COPY_STEPS = 30;
/** WebGL on the CPU (SwiftShader): the lab's webgl backend without a GPU. */
const SWIFTSHADER = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"];

/** JSON.parse that turns the page's "-Infinity"/"Infinity"/"NaN" strings back into numbers. */
function parseNumbers<T>(text: string | null): T {
  assert.ok(text, "the page published no JSON");
  const special: Record<string, number> = { "-Infinity": -Infinity, Infinity: Infinity, NaN: Number.NaN };
  return JSON.parse(text, (_key, v: unknown) =>
    typeof v === "string" && v in special ? special[v] : v,
  ) as T;
}

function maxDiff(a: Matrix, b: Matrix): number {
  assert.deepEqual([a.length, a[0]?.length], [b.length, b[0]?.length], "shapes differ");
  let worst = 0;
  a.forEach((row, i) =>
    row.forEach((x, j) => {
      const y = b[i]![j]!;
      worst = Math.max(worst, x === y ? 0 : Math.abs(x - y)); // equal infinities (masked) count as 0
    }),
  );
  return worst;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Starts `node scripts/lab.mjs --port 0` and resolves with the URL it prints once built and serving. */
function startLab(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["scripts/lab.mjs", "--port", "0"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`lab did not start in 240 s:\n${output}`));
    }, 240_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", (code) => reject(new Error(`scripts/lab.mjs exited with ${code}:\n${output}`)));
  });
}

/** Saves a seeded, untrained copy-task Transformer as model.json + weights.bin (the tfjs format) in `dir`. */
async function saveCopyModel(dir: string): Promise<Transformer> {
  await initBackend();
  const model = new Transformer(
    transformerConfig({ srcVocab: 11, tgtVocab: 11, maxLength: 12, seed: 7 }, "tiny"),
  );
  await saveTransformer(model, modelFiles(dir, { overwrite: true }));
  return model;
}

/** Trains `panel` (copy, enfr) for `steps` through the page's own controls; returns losses and step time. */
async function train(
  page: Page,
  panel: string,
  steps: number,
): Promise<{ losses: number[]; stepMs: number }> {
  await page.fill(`#${panel}-steps`, String(steps));
  await page.click(`#${panel}-train`);
  const section = page.locator(`#${panel}[data-state="done"], #${panel}[data-state="error"]`);
  await section.waitFor({ timeout: 150_000 });
  const report = (await section.locator(".report").textContent()) ?? "";
  assert.equal(await section.getAttribute("data-state"), "done", report);
  return {
    losses: parseNumbers<number[]>(await section.getAttribute("data-losses")),
    stepMs: Number(await section.getAttribute("data-step-ms")),
  };
}

async function openLab(context: BrowserContext, url: string, backend: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}lab.html?backend=${backend}`);
  await page.waitForSelector("body[data-ready], body[data-error]", { timeout: 60_000 });
  assert.equal(await page.getAttribute("body", "data-error"), null, "the lab could not start");
  return page;
}

if (!hasChromium()) {
  test("browser lab end to end", () => assert.fail(missingChromium("the lab test")));
} else {
  describe("browser lab end to end (Chromium, SwiftShader)", { timeout: 600_000 }, () => {
    let lab: { child: ChildProcess; url: string };
    let browser: OfflineBrowser;
    let context: BrowserContext;
    let page: Page;
    const consoleErrors: string[] = [];
    let outside: string[] = [];
    const timings: Record<string, number> = {};

    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      lab = await startLab();
      browser = await launchOffline({
        allow: (url) =>
          ["127.0.0.1", "localhost"].includes(url.hostname) || ["data:", "blob:"].includes(url.protocol),
        extraArgs: SWIFTSHADER,
      });
      ({ context, outside } = browser);
      context.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(message.text());
      });
      context.on("weberror", (error) => consoleErrors.push(`page error: ${error.error().message}`));
      page = await openLab(context, lab.url, "webgl");
    });

    after(async () => {
      await browser?.close();
      lab?.child.kill("SIGTERM");
    });

    test("shows the webgl backend on SwiftShader", async () => {
      const panel = page.locator("#backend");
      assert.equal(await panel.getAttribute("data-backend"), "webgl");
      assert.match((await panel.getAttribute("data-renderer")) ?? "", /swiftshader/i);
      assert.match((await panel.textContent()) ?? "", /wasm is 2–11× faster/);
      // before any training the multi-head view shows an untrained small model: 2 layers × 4 heads
      assert.equal(await page.getAttribute("#heads .head-grid", "data-layers"), "2");
      assert.equal(await page.getAttribute("#heads .head-grid", "data-heads"), "4");
    });

    test("a trace on the page equals lib/math's tier-1 trace", async () => {
      const settings: [string, string, string][] = [
        ["#trace-score", "general", "select"],
        ["#trace-mask", "causal", "select"],
        ["#trace-temperature", "0.5", "fill"],
      ];
      for (const [selector, value, how] of settings) {
        if (how === "select") await page.selectOption(selector, value);
        else await page.fill(selector, value);
        await page.dispatchEvent(selector, "change");
      }
      for (const round of ["general, causal, τ 0.5", "scaled dot, padding"]) {
        const shown = parseNumbers<{
          inputs: { queries: Matrix; keys: Matrix; values: Matrix; options: AttendOptions };
          steps: Record<string, Matrix>;
        }>(await page.getAttribute("#trace", "data-trace"));
        const { queries, keys, values, options } = shown.inputs;
        const expected = attend(queries, keys, values, options);
        assert.deepEqual(
          Object.keys(shown.steps),
          expected.steps.map((s) => s.name),
          round,
        );
        for (const step of expected.steps)
          assert.ok(maxDiff(shown.steps[step.name]!, step.value) <= 1e-6, `${round}: ${step.name}`);
        await page.selectOption("#trace-score", "scaledDot");
        await page.selectOption("#trace-mask", "padding");
        await page.fill("#trace-valid-lens", "2");
        await page.dispatchEvent("#trace-valid-lens", "change");
      }
    });

    test("hovering a weight highlights and reads out the linked maps", async () => {
      await page.hover('[data-step="weights"] canvas', { position: { x: 44 + 34 * 1.5, y: 20 + 34 * 1.5 } });
      assert.match((await page.textContent('[data-step="scores"] .readout')) ?? "", /^scores\[1\]\[1\] = /);
      assert.match((await page.textContent('[data-step="Q"] .readout')) ?? "", /^\s*$/); // Q has no key axis
    });

    test("each trace step's equation is rendered by KaTeX, with no TeX source shown", async () => {
      const equations = await page.evaluate(() =>
        Array.from(document.querySelectorAll("#trace .equation")).map((e) => {
          const shown = e.cloneNode(true) as HTMLElement;
          for (const hidden of Array.from(shown.querySelectorAll(".katex-mathml"))) hidden.remove();
          return {
            tex: e.getAttribute("data-tex") ?? "",
            katex: e.querySelector(".katex-html") !== null && e.querySelector(".katex-error") === null,
            text: shown.textContent ?? "",
            font: getComputedStyle(e.querySelector(".katex") ?? e).fontFamily,
          };
        }),
      );
      assert.ok(equations.length >= 3, `${equations.length} equations`);
      for (const eq of equations) {
        assert.ok(eq.katex, `not rendered by KaTeX: ${eq.tex}`);
        assert.doesNotMatch(eq.text, /\\[a-zA-Z]+|\^\{|_\{/, `TeX source shown: ${eq.text}`);
        assert.match(eq.font, /KaTeX_Main/, "KaTeX's stylesheet is not bundled");
      }
      assert.ok(
        equations.some((eq) => /\\top/.test(eq.tex)),
        "the scores step's equation (Q K^⊤) is among them",
      );
    });

    test("the heatmaps are drawn (screenshots are not blank)", async () => {
      const weights = await page
        .locator('[data-step="weights"] canvas')
        .screenshot({ path: join(SHOTS, "trace-weights.png") });
      assert.ok(distinctColours(decodePng(weights)) >= 4, "the weights heatmap is blank");
      await page.locator("#trace").screenshot({ path: join(SHOTS, "trace-explorer.png") });
    });

    test(`the copy task trains ${COPY_STEPS} steps on webgl with falling loss, then shows its heads`, async () => {
      const { losses, stepMs } = await train(page, "copy", COPY_STEPS);
      timings.webgl = stepMs;
      assert.equal(losses.length, COPY_STEPS);
      assert.ok(mean(losses.slice(-5)) < mean(losses.slice(0, 5)), `loss did not fall: ${losses.join(", ")}`);
      await page.waitForSelector('#model[data-state="ready"]');
      assert.equal(await page.getAttribute("#heads .head-grid", "data-heads"), "2");
      await page.click("#heads button.thumb >> nth=1");
      assert.match((await page.textContent("#heads .enlarged figcaption")) ?? "", /head 2/);
      await page.hover('#heads .token[data-axis="q"] >> nth=2');
      assert.equal(await page.locator("#heads .token.hot").count(), 1);
      const shot = await page.locator("#model").screenshot({ path: join(SHOTS, "heads-webgl.png") });
      assert.ok(distinctColours(decodePng(shot)) >= 4, "the head grid is blank");
      await page.locator("#copy").screenshot({ path: join(SHOTS, "copy-loss-webgl.png") });
    });

    test("a Transformer saved in the tfjs format loads by URL and decodes as in Node", async () => {
      const model = await saveCopyModel(join(ROOT, "out", "models", "lab-test"));
      const source = [3, 4, 5, 6, 7];
      const expected = greedyDecode(model, [source], { bos: 1, eos: 2 })[0]!;
      await page.fill("#load-url", "models/lab-test/model.json");
      await page.click("#load-url-button");
      await page.waitForFunction(() =>
        document.querySelector("#model")?.getAttribute("data-model")?.includes("lab-test"),
      );
      await page.fill("#model-input", source.join(" "));
      await page.click("#model-run");
      await page.waitForSelector('#model[data-state="ready"]');
      assert.deepEqual(
        parseNumbers<number[]>(await page.getAttribute("#model-output", "data-decoded")),
        expected,
      );
    });

    test("EN→FR trains in the page", async () => {
      const { losses } = await train(page, "enfr", 5);
      assert.equal(losses.length, 5);
      assert.ok(losses.every(Number.isFinite));
      await page.screenshot({ path: join(SHOTS, "lab-webgl.png"), fullPage: true });
    });

    test("the copy-task train step on wasm, against webgl", async () => {
      const wasm = await openLab(context, lab.url, "wasm");
      assert.equal(await wasm.getAttribute("#backend", "data-backend"), "wasm");
      const { losses, stepMs } = await train(wasm, "copy", COPY_STEPS);
      timings.wasm = stepMs;
      assert.ok(mean(losses.slice(-5)) < mean(losses.slice(0, 5)));
      await wasm.screenshot({ path: join(SHOTS, "lab-wasm.png"), fullPage: true });
      console.log(
        `lab: copy-task train step webgl ${timings.webgl!.toFixed(1)} ms, wasm ${stepMs.toFixed(1)} ms`,
      );
      await wasm.close();
    });

    test("the guide renders the formula index", async () => {
      const guide = await context.newPage();
      await guide.goto(`${lab.url}guide.html#formula-index`);
      await guide.waitForSelector('#guide-page[data-slug="formula-index"]');
      assert.match((await guide.textContent("#guide-page")) ?? "", /S000-F1/);
      assert.ok(
        (await guide.locator("#guide-page .katex").count()) >= 1,
        "the index's math ($c_j$) is KaTeX",
      );
      await guide.screenshot({ path: join(SHOTS, "guide-formula-index.png") });
      await guide.close();
    });

    test("no console error, no page error, no request outside localhost", () => {
      assert.deepEqual(consoleErrors, []);
      assert.deepEqual(outside, []);
    });
  });
}
