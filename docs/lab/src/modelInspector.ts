/**
 * The model inspector: holds the lab's current Transformer (trained on this page or loaded), decodes typed
 * input greedily (lib/models' `greedyDecode`) and shows every attention map in the {@link HeadGrid}. Loads a
 * Transformer saved in the tfjs format (model.json + weights.bin, lib/models' `saveTransformer` layout) from
 * uploaded files (`tf.io.browserFiles`) or a URL on this machine (`tf.io.http`), and saves the current one as a
 * download (tfjs's `downloads://` handler).
 */
import * as tf from "@tensorflow/tfjs";
import { greedyDecode } from "../../../lib/models/decoding.js";
import type { Transformer } from "../../../lib/models/transformer.js";
import { loadTransformer, saveTransformer } from "../../../lib/models/transformerIO.js";
import { attentionMaps } from "./attentionMaps.js";
import { codecFor, type TokenCodec } from "./codecs.js";
import { el, messageOf } from "./dom.js";
import { HeadGrid } from "./headGrid.js";

/** True for URLs this page may fetch: its own origin or a loopback host. */
export function isLocalUrl(url: URL): boolean {
  return url.origin === location.origin || ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

export class ModelInspector {
  readonly element: HTMLElement;
  private model?: Transformer;
  private codec?: TokenCodec;
  private readonly status = el("p", { id: "model-status" }, "No model yet: train one below, or load one.");
  private readonly input = el("input", { id: "model-input", type: "text", size: "40" });
  private readonly output = el("p", { id: "model-output", class: "decoded" });
  private readonly error = el("div", { class: "error", role: "alert" });
  private readonly grid = new HeadGrid();

  constructor() {
    const run = el("button", { id: "model-run", type: "button" }, "decode and show attention");
    run.addEventListener("click", () => this.inspect());
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") this.inspect();
    });
    this.element = el(
      "section",
      { id: "model", class: "panel", "data-state": "empty" },
      el("h2", {}, "Multi-head view and model loading"),
      this.status,
      this.loaders(),
      el("div", { class: "controls" }, el("label", {}, "input ", this.input), run),
      this.error,
      this.output,
      this.grid.element,
    );
  }

  private loaders(): HTMLElement {
    const files = el("input", { id: "load-files", type: "file", multiple: "", accept: ".json,.bin" });
    const fromFiles = el("button", { id: "load-files-button", type: "button" }, "load files");
    fromFiles.addEventListener("click", () => {
      const chosen = Array.from(files.files ?? []);
      const json = chosen.find((f) => f.name.endsWith(".json"));
      if (!json) return this.fail(new RangeError("choose model.json and its weights .bin file(s)"));
      this.load(tf.io.browserFiles([json, ...chosen.filter((f) => f !== json)]), json.name);
    });
    const url = el("input", {
      id: "load-url",
      type: "text",
      size: "34",
      placeholder: "models/copy-task/model.json",
    });
    const fromUrl = el("button", { id: "load-url-button", type: "button" }, "load URL");
    fromUrl.addEventListener("click", () => {
      const target = new URL(url.value.trim(), location.href);
      if (!isLocalUrl(target))
        return this.fail(new RangeError(`only URLs on this machine can be loaded, not ${target.origin}`));
      this.load(tf.io.http(target.href), target.pathname);
    });
    const save = el("button", { id: "model-save", type: "button" }, "save current model");
    save.addEventListener("click", () => {
      // the "downloads://" router is tfjs's browserDownloads handler: model.json + weights.bin
      const [handler] = tf.io.getSaveHandlers("downloads://attnlab-transformer");
      if (this.model && handler) saveTransformer(this.model, handler).catch((e) => this.fail(e));
    });
    return el(
      "div",
      { class: "controls" },
      el("label", {}, "saved model ", files),
      fromFiles,
      el("label", {}, "or URL ", url),
      fromUrl,
      save,
    );
  }

  private load(handler: tf.io.IOHandler, from: string): void {
    this.element.dataset.state = "loading";
    loadTransformer(handler)
      .then((model) => this.setModel(model, codecFor(model), `loaded from ${from}`, ""))
      .catch((err) => this.fail(err));
  }

  /** Makes `model` the current one (disposing the previous), describes it and inspects `input`. */
  setModel(model: Transformer, codec: TokenCodec, origin: string, input: string): void {
    if (this.model && this.model !== model) for (const w of this.model.weights) w.dispose();
    this.model = model;
    this.codec = codec;
    const c = model.config;
    this.status.textContent = `Current model: ${origin} (${codec.name}; dModel ${c.dModel}, ${c.numHeads} heads, ${c.numEncoderLayers}+${c.numDecoderLayers} layers, vocabularies ${c.srcVocab}/${c.tgtVocab}).`;
    this.element.dataset.model = JSON.stringify({ origin, codec: codec.name, ...c });
    if (input !== "") this.input.value = input;
    if (this.input.value.trim() === "")
      this.input.value = codec.name === "EN→FR" ? "I love programming" : "3 4 5 6 7";
    this.inspect();
  }

  /** Greedy-decodes the typed input and draws every attention map for it. */
  inspect(): void {
    const { model, codec } = this;
    if (!model || !codec) return;
    try {
      const source = codec.encode(this.input.value);
      if (source.length === 0 || source.length > model.config.maxLength)
        throw new RangeError(`type 1 to ${model.config.maxLength} tokens, got ${source.length}`);
      const decoded = greedyDecode(model, [source], { bos: codec.bos, eos: codec.eos })[0]!;
      const decoderInput = [codec.bos, ...decoded];
      this.output.textContent = `→ ${codec.decodeText(decoded)}`;
      this.output.dataset.decoded = JSON.stringify(decoded);
      this.grid.set(
        attentionMaps(model, source, decoderInput),
        codec.sourceLabels(source),
        codec.targetLabels(decoderInput),
      );
      this.error.textContent = "";
      this.element.dataset.state = "ready";
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    this.error.textContent = messageOf(err);
    this.element.dataset.state = "error";
  }
}
