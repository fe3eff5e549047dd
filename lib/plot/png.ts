// Static PNG rendering of a chart's SVG in Node, offline: resvg (a native renderer from the npm registry)
// rasterises it at a pixel density, with the chart font (DejaVu Sans, fonts.ts) for its text.
import { checkOptions, opt } from "../check/options.js";
import { resvgFontOptions } from "./fonts.js";

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /** Pixels per SVG pixel, in (0, 8] (default 2: sharp on high-density screens, like a "retina" image). */
  scale?: number;
}

/** A rendered PNG: its bytes, its size in pixels, and the scale it was drawn at. */
export interface PngImage {
  png: Uint8Array;
  /** Width in pixels: the SVG width × scale. */
  width: number;
  /** Height in pixels: the SVG height × scale. */
  height: number;
  scale: number;
}

/** The largest PNG drawn, in pixels (64 MiB of RGBA while drawing): a 2048 × 2048 chart at scale 2. */
export const MAX_PNG_PIXELS = 4096 * 4096;

type ResvgModule = typeof import("@resvg/resvg-js");
let resvg: Promise<ResvgModule> | undefined;

/**
 * Renders an SVG string to a PNG. The SVG's generic font families (vega writes `sans-serif`) are drawn in
 * DejaVu Sans from the `dejavu-fonts-ttf` package, so text renders the same on a machine with no fonts.
 * resvg is loaded on first use. Throws a TypeError for an SVG that is not a string or does not parse, and a
 * RangeError when the PNG would have no pixel or more than {@link MAX_PNG_PIXELS}.
 * @example
 * const image = await svgToPng(await toSvg(attentionHeatmap([[1, 0], [0, 1]])));
 * image.scale; // 2
 * [...image.png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(""); // "PNG"
 */
export async function svgToPng(svg: string, opts: SvgToPngOptions = {}): Promise<PngImage> {
  const where = "svgToPng";
  checkOptions(where, opts, { scale: opt.number({ above: 0, max: 8 }) });
  if (typeof svg !== "string") throw new TypeError(`${where}: svg must be a string, got ${typeof svg}`);
  const scale = opts.scale ?? 2;
  const { Resvg } = await loadResvg();
  let renderer: InstanceType<ResvgModule["Resvg"]>;
  try {
    renderer = new Resvg(svg, {
      font: resvgFontOptions(),
      fitTo: { mode: "zoom", value: scale },
      logLevel: "off",
    } as ConstructorParameters<ResvgModule["Resvg"]>[1]);
  } catch (e) {
    throw new TypeError(`${where}: svg does not parse (${firstLine(e)})`);
  }
  // resvg's zoom rounds each side to whole pixels
  const [width, height] = [Math.round(renderer.width * scale), Math.round(renderer.height * scale)];
  const size = `the SVG is ${renderer.width}×${renderer.height} px, ${width}×${height} px at scale ${scale}`;
  if (width < 1 || height < 1) throw new RangeError(`${where}: ${size}; a PNG needs at least one pixel`);
  if (width * height > MAX_PNG_PIXELS) {
    throw new RangeError(`${where}: ${size}; at most ${MAX_PNG_PIXELS} pixels are drawn`);
  }
  const image = renderer.render();
  return { png: image.asPng(), width: image.width, height: image.height, scale };
}

/** resvg's package name, kept out of a literal `import("…")` so the browser lab's bundler never tries to bundle a native addon. */
const RESVG = "@resvg/resvg-js";

async function loadResvg(): Promise<ResvgModule> {
  resvg ??= import(/* @vite-ignore */ RESVG).then(
    (m) => ((m as { default?: ResvgModule }).default ?? m) as ResvgModule,
  );
  return resvg;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}
