/**
 * The lab page: starts a TensorFlow.js backend with lib/tfjs's `initBackend` (`?backend=webgl|wasm|cpu` is passed
 * as its preference; the wasm binaries come from this site's tfjs-wasm/ folder), then mounts the trace
 * explorer, the model inspector (multi-head view, loading) and the copy-task and EN→FR trainers. Sets
 * `data-ready` on <body> when everything is mounted, or `data-error` if the backend cannot start.
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../../lib/tfjs/initBackend.js";
import { webglRenderer } from "../../../lib/tfjs/webglRenderer.js";
import { backendPanel } from "./backendPanel.js";
import { copyCodec } from "./codecs.js";
import { copyTask, copyTaskModel } from "./copyTask.js";
import { el, messageOf } from "./dom.js";
import { enfrTask } from "./enfrTask.js";
import { ModelInspector } from "./modelInspector.js";
import { TraceExplorer } from "./traceExplorer.js";
import { TrainerPanel } from "./trainerPanel.js";

/** Folder of the site that holds tfjs-backend-wasm's .wasm files (see build/wasmFiles.mts). */
const WASM_DIR = "tfjs-wasm/";

async function main(): Promise<void> {
  const root = document.getElementById("lab")!;
  const prefer = new URLSearchParams(location.search).get("backend") ?? undefined;
  try {
    const renderer = webglRenderer();
    const info = await initBackend({ prefer, wasmPaths: new URL(WASM_DIR, location.href).href });
    // Shape-independent webgl programs: one shader compile per op instead of one per op and shape (greedy
    // decoding grows the target every step); on SwiftShader this cut the page's start from 54 s to 20 s.
    if (info.name === "webgl") tf.env().set("WEBGL_USE_SHAPES_UNIFORMS", true);
    const inspector = new ModelInspector();
    root.append(
      backendPanel(info, renderer),
      new TraceExplorer().element,
      inspector.element,
      new TrainerPanel(copyTask, inspector).element,
      new TrainerPanel(enfrTask, inspector).element,
    );
    // Something to look at before any training: an untrained small model (2 layers × 4 heads).
    inspector.setModel(
      copyTaskModel("small", 0),
      copyCodec(),
      "untrained copy-task Transformer, small preset",
      "3 4 5 6 7 8",
    );
    document.body.dataset.ready = "true";
  } catch (err) {
    root.append(el("div", { class: "error", role: "alert" }, `The lab could not start: ${messageOf(err)}`));
    document.body.dataset.error = messageOf(err);
  }
}

void main();
