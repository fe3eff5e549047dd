// The PNG a chart bundle carries beside its SVG, for front ends that do not draw SVG (classic Notebook does not
// for an untrusted notebook, nbconvert 6.5's HTML cleaner strips it); never fails the cell that shows it.
import { svgToPng } from "../plot/png.js";
import { nodeProcess } from "../tfjs/nodeRequire.js";

/** Pixels per SVG pixel of a chart's PNG: sharp on high-density screens, drawn at the SVG's size. */
export const CHART_PNG_SCALE = 2;

/**
 * Charts whose 2× PNG would pass this many pixels (over 1000 × 1000 CSS px, e.g. a 60 × 60 heatmap) are drawn
 * at 1×: they are large on screen already, and 2× would make the notebook hundreds of KB heavier per chart.
 */
export const CHART_PNG_2X_MAX_PIXELS = 4_000_000;

/** A chart's PNG as a bundle entry (base64, as nbformat stores it) and the size a front end draws it at. */
export interface ChartPng {
  base64: string;
  /** The SVG's size in CSS pixels: the `image/png` display metadata, so a 2× PNG is not drawn twice as big. */
  metadata: { width: number; height: number };
}

/**
 * Renders a chart's SVG to a 2× PNG (1× when 2× would pass {@link CHART_PNG_2X_MAX_PIXELS}). If that fails
 * (resvg missing, a chart too large even at 1×), writes one line to stderr and returns `undefined`: the
 * output still has its SVG and JSON. Outside Node (no resvg) there is no PNG and no warning.
 */
export async function chartPng(svg: string): Promise<ChartPng | undefined> {
  if (nodeProcess() === undefined) return undefined;
  try {
    const image = await svgToPng(svg, { scale: chartScale(svg) });
    const metadata = { width: image.width / image.scale, height: image.height / image.scale };
    return { base64: Buffer.from(image.png).toString("base64"), metadata };
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    console.warn(`show: no PNG for this chart, it has its SVG only (${reason})`);
    return undefined;
  }
}

/** 2, or 1 for a large chart; read from the root's width and height, which vega always writes. */
function chartScale(svg: string): number {
  const m = svg.match(/^<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"/);
  const area = m ? Number(m[1]) * Number(m[2]) : 0;
  return area * CHART_PNG_SCALE ** 2 > CHART_PNG_2X_MAX_PIXELS ? 1 : CHART_PNG_SCALE;
}
