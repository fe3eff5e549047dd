// The display barrel: `show()` and helpers (the only code that talks to the kernel) and the pure MIME bundles.
export {
  type DisplayData,
  describePlotly,
  describeVegaLite,
  isMimeBundle,
  isPlotlyFigure,
  isVegaLiteSpec,
  MIME,
  type MimeBundle,
  toDisplayData,
  toMimeBundle,
} from "./mime.js";
export {
  type DisplayHandle,
  type ShowOptions,
  type ShowOptionsWithId,
  show,
  showLatex,
  showMarkdown,
  showTable,
  type TableRows,
} from "./show.js";
export { type DisplayMessage, type DisplaySink, inKernel, setDisplaySink } from "./sink.js";
export { formatCell, type TableOptions, tableBundle } from "./table.js";
export { latexBundle, markdownBundle } from "./text.js";
