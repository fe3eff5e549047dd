// Room for labels: the pixel limits vega truncates axis and legend texts at, computed from the longest text so
// that long token labels and series names are drawn whole (vega's defaults cut them at 160–180 px with "…").

/** vega's default label font size of axes and legends, in pixels. */
export const LABEL_FONT_SIZE = 10;

/** vega's default font size of legend titles, in pixels. */
export const TITLE_FONT_SIZE = 11;

/** vega's default `labelLimit` of axes (legends use 160): the least limit the builders write. */
export const DEFAULT_LABEL_LIMIT = 180;

/** The largest limit written (about 120 characters); a longer text is still cut. */
export const MAX_LABEL_LIMIT = 1000;

/**
 * The pixel limit at which no text of `texts` is truncated, at least {@link DEFAULT_LABEL_LIMIT}. It uses
 * vega's own width estimate (0.8 × font size per character, what vega measures with when there is no canvas,
 * as in Node's SVG rendering), which is wider than a browser's measured text, so browsers do not cut either.
 * E.g. `textLimit(["the", "a thirty-character row label!!"])` gives 242 (30 × 8 + 2).
 */
export function textLimit(texts: readonly string[], fontSize = LABEL_FONT_SIZE): number {
  const longest = texts.reduce((n, t) => Math.max(n, t.length), 0);
  const width = Math.ceil(0.8 * fontSize * longest) + 2;
  return Math.min(MAX_LABEL_LIMIT, Math.max(DEFAULT_LABEL_LIMIT, width));
}
