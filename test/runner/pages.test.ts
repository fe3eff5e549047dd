/**
 * The pages `attnlab run --html` writes: math rendered by KaTeX when the page is written, its stylesheet and
 * fonts in the output folder's `_attnlab/` (never in a folder the user made), or inline for a page on its own;
 * and, in Debian's Chromium, real course pages that show no TeX source and fetch nothing from outside.
 * Screenshots go to out/pages/*.png. Without /usr/bin/chromium the browser test fails and says how to install it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, describe, test } from "node:test";
import { notebookToHtml, renderMimeBundle } from "../../lib/runner/html.js";
import type { Notebook } from "../../lib/runner/notebook.js";
import { ASSETS_FOLDER, assetsHref, planPageAssets, writePageAssets } from "../../lib/runner/pageAssets.js";
import { planSiteIndex } from "../../lib/runner/siteIndex.js";
import { hasChromium, launchOffline, missingChromium } from "../browser.js";

const ROOT = join(__dirname, "..", "..");
const SHOTS = join(ROOT, "out", "pages");
const temp = mkdtempSync(join(tmpdir(), "attnlab-pages-"));
after(() => rmSync(temp, { recursive: true, force: true }));

/** TeX source that must never show as text on a page. */
const RAW_TEX = [/\$\$/, /\\begin\{bmatrix\}/, /\\operatorname/, /\\frac\{/, /\\mathbf\{/, /\\top\b/];

const notebook = (cells: Notebook["cells"]): Notebook =>
  ({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }) as unknown as Notebook;

describe("math on the page", () => {
  test("a text/latex output is rendered by KaTeX in display mode; bad TeX shows its source, never throws", () => {
    const ok = renderMimeBundle({ "text/latex": "$$S = \\begin{bmatrix} 1 & 2 \\end{bmatrix}$$" });
    assert.match(ok, /class="katex-display"/);
    assert.doesNotMatch(ok.replace(/<annotation[\s\S]*?<\/annotation>/g, ""), /\\begin\{bmatrix\}/);
    const bad = renderMimeBundle({ "text/latex": "$$\\frac{a$$" });
    assert.match(bad, /class="katex-error"/);
    assert.match(bad, /\\frac\{a/, "the source stays visible");
  });

  test("a page written on its own carries KaTeX's stylesheet with the fonts inline", () => {
    const html = notebookToHtml(
      notebook([{ id: "m", cell_type: "markdown", source: "$x$", metadata: {} }]),
      "t",
    );
    assert.match(html, /class="katex"/);
    assert.match(html, /url\(data:font\/woff2;base64,/);
    assert.doesNotMatch(html, /url\(fonts\//);
    assert.doesNotMatch(html, /<link /);
  });

  test("a page in an output folder links the folder's stylesheet", () => {
    const page = join(temp, "linked", "notebooks", "cases", "x.html");
    const folder = join(temp, "linked", ASSETS_FOLDER);
    assert.equal(assetsHref(page, folder), "../../_attnlab/");
    const html = notebookToHtml(notebook([]), "t", { assets: assetsHref(page, folder) });
    assert.match(html, /<link rel="stylesheet" href="\.\.\/\.\.\/_attnlab\/katex\.min\.css">/);
  });
});

describe("the assets folder", () => {
  test("is written with every font the stylesheet names, and a manifest", () => {
    const folder = planPageAssets(join(temp, "fresh"));
    const files = writePageAssets(folder);
    const css = readFileSync(join(folder, "katex.min.css"), "utf8");
    const named = [...css.matchAll(/url\(([^)]+)\)/g)].map((m) => m[1]);
    assert.ok(named.length >= 20, `${named.length} fonts`);
    for (const font of named) assert.ok(existsSync(join(folder, font!)), `${font} is missing`);
    assert.doesNotMatch(css, /\.woff\)|\.ttf\)/, "only woff2 sources");
    const manifest = JSON.parse(readFileSync(join(folder, "MANIFEST.json"), "utf8"));
    assert.equal(manifest.generator, "attnlab run");
    assert.deepEqual(manifest.files, files);
  });

  test("a second run rewrites its own files and leaves any other file in the folder alone", () => {
    const folder = planPageAssets(join(temp, "again"));
    writePageAssets(folder);
    writeFileSync(join(folder, "notes.txt"), "mine");
    writePageAssets(planPageAssets(join(temp, "again")));
    assert.equal(readFileSync(join(folder, "notes.txt"), "utf8"), "mine");
  });

  test("a folder of that name the user made, or a file, is refused before anything is written", () => {
    const mine = join(temp, "users", ASSETS_FOLDER);
    mkdirSync(mine, { recursive: true });
    writeFileSync(join(mine, "katex.min.css"), "my own");
    assert.throws(
      () => planPageAssets(join(temp, "users")),
      /_attnlab exists and was not written by attnlab run/,
    );
    assert.throws(() => writePageAssets(mine), /not written by attnlab run/);
    assert.equal(readFileSync(join(mine, "katex.min.css"), "utf8"), "my own");
    assert.deepEqual(readdirSync(mine), ["katex.min.css"]);
    mkdirSync(join(temp, "file"));
    writeFileSync(join(temp, "file", ASSETS_FOLDER), "x");
    assert.throws(() => planPageAssets(join(temp, "file")), /exists and is not a folder/);
  });

  test("an index.html the user wrote is refused before anything is written", () => {
    mkdirSync(join(temp, "index"));
    writeFileSync(join(temp, "index", "index.html"), "<h1>my site</h1>");
    assert.throws(
      () => planSiteIndex(join(temp, "index")),
      /index\.html exists and was not written by attnlab run/,
    );
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, "dist/cjs/cli.js"),
        "run",
        "notebooks/01-attention-pooling.ipynb",
        "--html",
        "-o",
        join(temp, "index"),
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.notEqual(r.status, 0);
    assert.equal(readFileSync(join(temp, "index", "index.html"), "utf8"), "<h1>my site</h1>");
    assert.equal(existsSync(join(temp, "index", ASSETS_FOLDER)), false, "nothing was written");
  });

  test("attnlab run stops before any kernel starts when the folder is not its own", () => {
    const out = join(temp, "refused");
    mkdirSync(join(out, ASSETS_FOLDER), { recursive: true });
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "dist/cjs/cli.js"), "run", "notebooks/01-attention-pooling.ipynb", "--html", "-o", out],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /_attnlab exists and was not written by attnlab run/);
    assert.equal(existsSync(join(out, "notebooks")), false, "nothing ran");
  });
});

if (!hasChromium()) {
  test("course pages in Chromium", () => assert.fail(missingChromium("the page test")));
} else {
  test("course pages written by attnlab run --html show rendered math in Chromium, offline", {
    timeout: 300_000,
  }, async () => {
    const out = join(temp, "site");
    const pages = ["notebooks/02-scoring-functions.ipynb", "notebooks/05-positional-encoding.ipynb"];
    const run = spawnSync(
      process.execPath,
      [join(ROOT, "dist/cjs/cli.js"), "run", ...pages, "--html", "-o", out, "-p", "quick", "true"],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, ATTNLAB_RECORDS_DIR: join(temp, "records") } },
    );
    assert.equal(run.status, 0, `attnlab run failed:\n${run.stdout}\n${run.stderr}`);
    mkdirSync(SHOTS, { recursive: true });
    const browser = await launchOffline({
      allow: (url) => ["file:", "data:"].includes(url.protocol),
      viewport: { width: 1100, height: 1600 },
    });
    const { context, outside } = browser;
    const failed: string[] = [];
    context.on("requestfailed", (request) => failed.push(request.url()));
    try {
      const index = await context.newPage();
      await index.goto(`file://${join(out, "index.html")}`);
      const links = await index.evaluate(() =>
        Array.from(document.querySelectorAll("a")).map((a) => a.getAttribute("href") ?? ""),
      );
      for (const input of pages) {
        const href = input.replace(/\.ipynb$/, ".html");
        assert.ok(links.includes(href), `index.html links ${href}: ${links.join(", ")}`);
      }
      const indexText = (await index.textContent("body")) ?? "";
      assert.match(indexText, /Path 1 · concepts/, "the course map");
      assert.match(indexText, /ok · \d+\.\d s/, "a page's status and time");
      assert.match(indexText, /not run/, "the map's notebooks this run did not write");
      await index.screenshot({ path: join(SHOTS, "index.png"), fullPage: true });
      await index.close();
      for (const [k, input] of pages.entries()) {
        const page = await context.newPage();
        await page.goto(`file://${join(out, input.replace(/\.ipynb$/, ".html"))}`);
        await page.evaluate(() => document.fonts.ready);
        const seen = await page.evaluate(() => {
          const body = document.body.cloneNode(true) as HTMLElement;
          for (const hidden of Array.from(body.querySelectorAll(".katex-mathml"))) hidden.remove();
          const katex = document.querySelector(".katex");
          return {
            formulas: document.querySelectorAll(".katex").length,
            displays: document.querySelectorAll(".katex-display").length,
            errors: document.querySelectorAll(".katex-error").length,
            text: body.textContent ?? "",
            font: katex ? getComputedStyle(katex).fontFamily : "",
            fontLoaded: document.fonts.check('16px "KaTeX_Main"'),
          };
        });
        assert.ok(seen.formulas >= 10, `${input}: ${seen.formulas} KaTeX formulas`);
        assert.ok(seen.displays >= 2, `${input}: ${seen.displays} display formulas`);
        assert.equal(seen.errors, 0, `${input}: formulas KaTeX could not render`);
        for (const tex of RAW_TEX) assert.doesNotMatch(seen.text, tex, `${input} shows TeX source`);
        assert.match(seen.font, /KaTeX_Main/, `${input}: KaTeX's stylesheet is not applied`);
        assert.ok(seen.fontLoaded, `${input}: KaTeX's fonts did not load`);
        const charts = await page.locator("figure.chart").count();
        assert.ok(charts >= 1, `${input}: no live chart`);
        await page.waitForFunction(
          () =>
            Array.from(document.querySelectorAll("figure.chart")).every(
              (f) => f.hasAttribute("data-live") || f.hasAttribute("data-live-error"),
            ),
          null,
          { timeout: 60_000 },
        );
        const chartErrors = await page.evaluate(() =>
          Array.from(document.querySelectorAll("figure.chart[data-live-error]")).map((f) =>
            f.getAttribute("data-live-error"),
          ),
        );
        assert.deepEqual(chartErrors, [], `${input}: charts vega-embed could not draw`);
        assert.equal(await page.locator("figure.chart img:not([hidden])").count(), 0, "static SVG hidden");
        const heatmap = page.locator("figure.chart .live g.mark-rect path").first();
        if (input.includes("05-")) {
          await heatmap.scrollIntoViewIfNeeded();
          await heatmap.hover({ force: true });
          await page.waitForSelector("#vg-tooltip-element.visible", { timeout: 10_000 });
          assert.match(
            (await page.textContent("#vg-tooltip-element")) ?? "",
            /\d/,
            "the tooltip shows the cell",
          );
          await page.screenshot({ path: join(SHOTS, "tooltip.png") });
        }
        const nav = await page.evaluate(() => ({
          prev: document.querySelector('nav.pager a[rel="prev"]')?.getAttribute("href") ?? null,
          next: document.querySelector('nav.pager a[rel="next"]')?.getAttribute("href") ?? null,
          toc: Array.from(document.querySelectorAll("nav.toc a")).map((a) => a.getAttribute("href") ?? ""),
        }));
        assert.equal(nav.prev === null, k === 0, `${input}: a previous link on all but the first page`);
        assert.equal(
          nav.next === null,
          k === pages.length - 1,
          `${input}: a next link on all but the last page`,
        );
        assert.ok(nav.toc.length >= 2, `${input}: a table of contents`);
        for (const anchor of nav.toc) {
          assert.ok(await page.locator(anchor).count(), `${input}: contents link ${anchor} has no heading`);
        }
        await page.screenshot({
          path: join(
            SHOTS,
            `${input
              .split("/")
              .pop()!
              .replace(/\.ipynb$/, "")}.png`,
          ),
        });
        await page.close();
      }
    } finally {
      await browser.close();
    }
    // The same pages from the lab's server (`npm run lab` serves out/ at /course/): the index and a page's math.
    const { serveStatic } = await import(pathToFileURL(join(ROOT, "scripts", "labServe.mjs")).href);
    const server: { url: string; close: () => Promise<void> } = await serveStatic(out, {
      mounts: { "/course/": out },
    });
    const served = await launchOffline({
      allow: (url) => url.hostname === "127.0.0.1" || url.protocol === "data:",
    });
    try {
      const page = await served.context.newPage();
      await page.goto(`${server.url}course/index.html`);
      await page.click(`a[href="${pages[0]!.replace(/\.ipynb$/, ".html")}"]`);
      await page.waitForSelector("figure.chart[data-live]", { timeout: 60_000 });
      await page.evaluate(() => document.fonts.ready);
      assert.ok(
        await page.evaluate(() => document.fonts.check('16px "KaTeX_Main"')),
        "KaTeX's fonts load from the lab's server",
      );
    } finally {
      await served.close();
      await server.close();
    }
    assert.deepEqual([...outside, ...served.outside], [], "requests that left file:// or localhost");
    assert.deepEqual(failed, [], "requests that failed (a missing font or stylesheet)");
  });
}
