// Where display messages go: the tslab kernel's iopub channel inside a notebook, stdout (text/plain)
// everywhere else. The only file in attnlab that talks to the kernel.
import type { MimeBundle } from "./mime.js";

/** The content of a Jupyter `display_data` / `update_display_data` message. */
export interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** Sends one message; `update` selects `update_display_data` (replace the output with that display_id). */
export type DisplaySink = (message: DisplayMessage, update: boolean) => void;

/** The hook tslab's executor puts on `globalThis` before running cells (tslab/dist/executor.js). */
interface TslabHook {
  require?: NodeJS.Require;
}

/** The part of tslab's `dist/jupyter.js` we use: the writer of the cell now executing. */
interface TslabJupyter {
  lastWriteDisplayData: DisplaySink | null;
}

/** The part of tslab's public API we use as a fallback. */
interface TslabPublic {
  display: { raw(contentType: string, data: unknown): void };
}

let override: DisplaySink | undefined;
let kernel: { jupyter: TslabJupyter | undefined; pub: TslabPublic } | null | undefined;

/**
 * Replaces where `show()` sends messages (tests, or another front end such as the browser lab);
 * call with no argument to restore the default.
 * @example
 * const sent = [];
 * setDisplaySink((message) => sent.push(message));
 * await showMarkdown("**hi**");
 * setDisplaySink();
 * sent[0].data["text/markdown"]; // "**hi**"
 */
export function setDisplaySink(sink?: DisplaySink): void {
  override = sink;
}

/**
 * The sink for a message sent now. In a kernel this captures the writer of the cell executing now, so an
 * output whose SVG is still rendering when the next cell starts still lands in its own cell.
 */
export function currentSink(): DisplaySink {
  if (override) return override;
  const k = findKernel();
  if (!k) return stdoutSink;
  const write = k.jupyter?.lastWriteDisplayData;
  return typeof write === "function" ? write : publicApiSink(k.pub);
}

/** True inside a tslab kernel. */
export function inKernel(): boolean {
  return findKernel() !== null;
}

/** Outside a kernel (plain Node, tests, a browser console) only the text/plain form is printed. */
const stdoutSink: DisplaySink = (message) => {
  console.log(String(message.data["text/plain"] ?? ""));
};

/**
 * Locates the running kernel's own tslab, once. tslab is never imported statically: outside a kernel there
 * is no `__tslab__` hook and nothing is required, so attnlab loads in plain Node and in browsers.
 *
 * Why not `import { display } from "tslab"`: tslab 1.0.22's public `display.raw(mime, data)` sends a
 * display_data whose bundle has exactly one MIME type (`data: {[mime]: value}`), so a chart could not carry
 * its vega-lite JSON, SVG fallback and text/plain together; and `require("tslab")` from attnlab's own files
 * could resolve to a second copy of tslab (attnlab depends on it), whose writer is never set. tslab's public
 * `display` is a thin wrapper over `jupyter.lastWriteDisplayData(content, update)`, the process-wide writer
 * that the kernel sets before each cell ("used from the display public API", tslab/dist/jupyter.js). We call
 * that same function with a full bundle, the message shape `display.raw` builds, after finding the kernel's
 * own copies: `__tslab__.require("tslab")` is the kernel's public module (the executor hooks that name for
 * cells), and its sibling `./jupyter.js` in the same folder is the module the kernel writes through. Nothing
 * is patched. If that writer cannot be found, the public `display.raw` path sends the richest single MIME.
 */
function findKernel(): typeof kernel {
  if (kernel !== undefined) return kernel;
  const req = (globalThis as { __tslab__?: TslabHook }).__tslab__?.require;
  if (typeof req !== "function") return null; // not cached: a kernel may start later (unit tests)
  try {
    const pub = req("tslab") as TslabPublic;
    const entry = Object.values(req.cache).find((m) => m?.exports === pub);
    let jupyter: TslabJupyter | undefined;
    if (entry) {
      const { createRequire } = req("node:module") as typeof import("node:module");
      jupyter = createRequire(entry.filename)("./jupyter.js") as TslabJupyter;
    }
    kernel = { jupyter, pub };
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Fallback through tslab's public API: one MIME type per display_data, no display_id updates. */
function publicApiSink(pub: TslabPublic): DisplaySink {
  return (message) => {
    const order = ["image/svg+xml", "text/html", "text/markdown", "text/latex", "text/plain"];
    const mime = order.find((m) => m in message.data) ?? Object.keys(message.data)[0]!;
    pub.display.raw(mime, message.data[mime]);
  };
}
