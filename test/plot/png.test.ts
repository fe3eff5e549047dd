/** PNG rendering of chart SVGs (resvg, offline): size, real pixels, text drawn in the bundled font, bad inputs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CHART_FONT_FAMILY, findChartFonts } from "../../lib/plot/fonts.js";
import {
  attentionHeatmap,
  headGrid,
  lineChart,
  MAX_PNG_PIXELS,
  svgToPng,
  toSvg,
} from "../../lib/plot/index.js";
import { decodePng, pixelsDiffering, pixelsUnlike, pngSize, svgSize } from "./pngDecode.js";

const tokens = ["the", "cat", "sat", "on", "the", "mat"];
const causal = tokens.map((_, i) => tokens.map((_, j) => (j <= i ? 1 / (i + 1) : 0)));
const heatmap = attentionHeatmap(causal, { rowLabels: tokens, colLabels: tokens, title: "causal" });
const WHITE: [number, number, number] = [255, 255, 255];

/** The same SVG with every text element emptied: same layout, no glyphs. */
function withoutText(svg: string): string {
  return svg.replace(/(<text[^>]*>)[^<]*(<\/text>)/g, "$1$2");
}

test("the chart font is DejaVu Sans from the dejavu-fonts-ttf package, not the system's fonts", () => {
  const fonts = findChartFonts();
  assert.equal(fonts.source, "package");
  assert.equal(CHART_FONT_FAMILY, "DejaVu Sans");
  assert.deepEqual(
    fonts.files.map((f) => f.split(/[\\/]/).slice(-3).join("/")),
    ["dejavu-fonts-ttf/ttf/DejaVuSans.ttf", "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"],
  );
});

for (const [name, spec] of [
  ["heatmap", heatmap],
  ["lineChart", lineChart({ train: [2.3, 1.7, 1.2, 0.9], valid: [2.4, 1.9, 1.5, 1.3] })],
  ["headGrid", headGrid([causal, causal])],
] as const) {
  test(`${name}: a 2× PNG of its SVG, with marks and text drawn`, async () => {
    const svg = await toSvg(spec);
    const [w, h] = svgSize(svg);
    const image = await svgToPng(svg);
    assert.deepEqual([image.width, image.height, image.scale], [2 * w, 2 * h, 2]);
    assert.deepEqual(pngSize(image.png), { width: 2 * w, height: 2 * h }, "IHDR holds the 2× size");
    const pixels = decodePng(image.png);
    const inked = pixelsUnlike(pixels, WHITE);
    assert.ok(inked > 0.02 * w * h * 4, `${inked} of ${4 * w * h} pixels are not background`);
    const bare = decodePng((await svgToPng(withoutText(svg))).png);
    const textPixels = pixelsDiffering(pixels, bare);
    assert.ok(textPixels > 500, `text draws ${textPixels} pixels (labels and titles need a font)`);
  });
}

test("scale sets the pixel density; the same SVG gives the same bytes", async () => {
  const svg = await toSvg(heatmap);
  const [w, h] = svgSize(svg);
  assert.deepEqual(pngSize((await svgToPng(svg, { scale: 1 })).png), { width: w, height: h });
  assert.deepEqual(pngSize((await svgToPng(svg, { scale: 3 })).png), { width: 3 * w, height: 3 * h });
  const [a, b] = [await svgToPng(svg), await svgToPng(svg)];
  assert.deepEqual(Buffer.from(a.png), Buffer.from(b.png));
});

const square = (side: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}"><rect width="${side}" height="${side}" fill="red"/></svg>`;
const tooBig = Math.ceil(Math.sqrt(MAX_PNG_PIXELS) / 2) + 1;

const BAD: [unknown, unknown, RegExp][] = [
  [42, {}, /^TypeError: svgToPng: svg must be a string, got number$/],
  [undefined, {}, /^TypeError: svgToPng: svg must be a string, got undefined$/],
  [Buffer.from(square(4)), {}, /^TypeError: svgToPng: svg must be a string, got object$/],
  ["", {}, /^TypeError: svgToPng: svg does not parse \(.+\)$/],
  ["<svg", {}, /^TypeError: svgToPng: svg does not parse \(.+\)$/],
  ["hello", {}, /^TypeError: svgToPng: svg does not parse \(.+\)$/],
  [square(0), {}, /^TypeError: svgToPng: svg does not parse \(.+\)$/],
  [square(4), { scale: 0 }, /^RangeError: svgToPng: options\.scale must be .*> 0 and ≤ 8, got 0$/],
  [square(4), { scale: -2 }, /^RangeError: svgToPng: options\.scale .*got -2$/],
  [square(4), { scale: 9 }, /^RangeError: svgToPng: options\.scale .*got 9$/],
  [square(4), { scale: Number.NaN }, /^RangeError: svgToPng: options\.scale .*got NaN$/],
  [square(4), { scale: Number.POSITIVE_INFINITY }, /^RangeError: svgToPng: options\.scale .*got Infinity$/],
  [square(4), { scale: "2" }, /^TypeError: svgToPng: options\.scale .*got "2"$/],
  [square(4), { sclae: 2 }, /^TypeError: svgToPng: unknown option "sclae" \(did you mean "scale"\?\)/],
  [square(4), { scale: 2, width: 100 }, /^TypeError: svgToPng: unknown option "width"/],
  [square(4), null, /^TypeError: svgToPng: options must be an object/],
  [square(4), [2], /^TypeError: svgToPng: options must be an object/],
  [
    square(4),
    { scale: 0.05 },
    /^RangeError: svgToPng: the SVG is 4×4 px, 0×0 px at scale 0\.05; a PNG needs/,
  ],
  [
    square(tooBig),
    {},
    new RegExp(
      `^RangeError: svgToPng: the SVG is ${tooBig}×${tooBig} px, .* at most ${MAX_PNG_PIXELS} pixels`,
    ),
  ],
];

test(`svgToPng rejects bad input with a clear error (${BAD.length} cases)`, async () => {
  for (const [svg, opts, expected] of BAD) {
    const error = await svgToPng(svg as string, opts as object).then(
      () => "resolved",
      (e: unknown) => String(e),
    );
    assert.match(error, expected, `svgToPng(${String(svg).slice(0, 20)}, ${JSON.stringify(opts)})`);
  }
});
