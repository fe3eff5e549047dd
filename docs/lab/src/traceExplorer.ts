/**
 * The trace explorer: edit or draw (seeded) Q, K, V, pick the score function, scale, temperature and mask, and
 * see every intermediate of lib/math's `attend` trace (scores, scaled scores, masked scores, weights, output)
 * as linked heatmaps. The numbers are the tier-1 numbers: the page calls `attend` itself and publishes the
 * inputs and every step, exactly, in `data-trace`.
 */
import katex from "katex";
import "katex/dist/katex.min.css";
import { type AttendOptions, type AttentionTrace, attend, type ScoreName } from "../../../lib/math/index.js";
import { mulberry32 } from "../../../lib/random/prng.js";
import { el, labelled, messageOf, numberInput, select } from "./dom.js";
import { HeatmapView } from "./heatmap.js";
import { HoverBus } from "./hoverBus.js";
import { formatMatrix, parseMatrix, rounded } from "./matrixText.js";
import { numbersToJson } from "./numbersJson.js";

const SCORES: Record<ScoreName, string> = {
  scaledDot: "scaled dot  Q Kᵀ/√d",
  dot: "dot  Q Kᵀ",
  general: "general (Luong)  Q W Kᵀ",
  additive: "additive (Bahdanau)  vᵀ tanh(q W_q + k W_k)",
  cosine: "cosine",
};
const MASKS = { none: "none", causal: "causal", padding: "padding (valid lengths)" };
const MATRICES = ["Q", "K", "V", "W", "Wq", "Wk", "v"] as const;
type MatrixName = (typeof MATRICES)[number];

/** Axis names of each step's rows and columns, for linked hover. */
const AXES: Record<string, [string, string]> = {
  Q: ["query", "d"],
  K: ["key", "d"],
  V: ["key", "dv"],
  output: ["query", "dv"],
};

export class TraceExplorer {
  readonly element: HTMLElement;
  private readonly bus = new HoverBus();
  private readonly inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  private readonly texts = {} as Record<MatrixName, HTMLTextAreaElement>;
  private readonly views = el("div", { class: "maps" });
  private readonly error = el("div", { class: "error", role: "alert" });
  private readonly readout = el("div", { class: "readout" }, "\u00a0");

  constructor() {
    this.element = el("section", { id: "trace", class: "panel" }, el("h2", {}, "Trace explorer (tier 1)"));
    this.element.append(
      el(
        "p",
        { class: "note" },
        "Every map below is a field of lib/math's attend() trace for these inputs. Hover a cell: the same query row and key column light up in every linked map.",
      ),
      this.controls(),
      this.matrixEditors(),
      this.error,
      this.readout,
      this.views,
    );
    this.regenerate();
  }

  private controls(): HTMLElement {
    const i = this.inputs;
    i.seed = numberInput("trace-seed", 1, { min: "0", step: "1" });
    i.t = numberInput("trace-t", 4, { min: "1", max: "8" });
    i.s = numberInput("trace-s", 5, { min: "1", max: "8" });
    i.d = numberInput("trace-d", 4, { min: "1", max: "8" });
    i.dv = numberInput("trace-dv", 3, { min: "1", max: "8" });
    i.score = select("trace-score", SCORES, "scaledDot");
    i.scale = el("input", { id: "trace-scale", type: "text", placeholder: "default", size: "7" });
    i.temperature = numberInput("trace-temperature", 1, { min: "0.05", step: "0.05" });
    i.mask = select("trace-mask", MASKS, "none");
    i.validLens = numberInput("trace-valid-lens", 3, { min: "0", max: "8" });
    const next = el("button", { id: "trace-randomize", type: "button" }, "randomize (seed + 1)");
    next.addEventListener("click", () => {
      i.seed!.value = String(Number(i.seed!.value) + 1);
      this.regenerate();
    });
    for (const key of ["seed", "t", "s", "d", "dv"])
      i[key]!.addEventListener("change", () => this.regenerate());
    for (const key of ["score", "scale", "temperature", "mask", "validLens"])
      i[key]!.addEventListener("change", () => this.compute());
    return el(
      "div",
      { class: "controls" },
      labelled("seed", i.seed),
      next,
      labelled("T (queries)", i.t),
      labelled("S (keys)", i.s),
      labelled("d", i.d),
      labelled("d_v", i.dv),
      labelled("score", i.score),
      labelled("scale", i.scale),
      labelled("temperature τ", i.temperature),
      labelled("mask", i.mask),
      labelled("valid length", i.validLens),
    );
  }

  private matrixEditors(): HTMLElement {
    const box = el("div", { class: "editors" });
    for (const name of MATRICES) {
      const text = el("textarea", { id: `trace-${name}`, rows: "5", cols: "22", spellcheck: "false" });
      text.addEventListener("input", () => this.compute());
      this.texts[name] = text;
      box.append(el("label", { class: "editor", "data-matrix": name }, name, text));
    }
    return box;
  }

  private num(key: string): number {
    return Number(this.inputs[key]!.value);
  }

  /** Draws Q, K, V and the score parameters from the seed (mulberry32), then recomputes. */
  regenerate(): void {
    const [t, s, d, dv] = ["t", "s", "d", "dv"].map((k) => Math.min(8, Math.max(1, Math.round(this.num(k)))));
    const rng = mulberry32(Math.round(this.num("seed")));
    const drawn: Record<MatrixName, number[][]> = {
      Q: rng.matrix(t!, d!),
      K: rng.matrix(s!, d!),
      V: rng.matrix(s!, dv!),
      W: rng.matrix(d!, d!),
      Wq: rng.matrix(d!, d!),
      Wk: rng.matrix(d!, d!),
      v: rng.matrix(1, d!),
    };
    for (const name of MATRICES) this.texts[name].value = formatMatrix(rounded(drawn[name]));
    this.compute();
  }

  private options(): AttendOptions {
    const score = this.inputs.score!.value as ScoreName;
    const m = (name: MatrixName) => parseMatrix(name, this.texts[name].value);
    const base: AttendOptions =
      score === "general"
        ? { score, w: m("W") }
        : score === "additive"
          ? { score, wq: m("Wq"), wk: m("Wk"), v: m("v")[0]! }
          : { score };
    const scale = this.inputs.scale!.value.trim();
    if (scale !== "") base.scale = Number(scale);
    base.temperature = this.num("temperature");
    const mask = this.inputs.mask!.value;
    if (mask === "causal") base.mask = { causal: true };
    if (mask === "padding") base.mask = { validLens: Math.round(this.num("validLens")) };
    return base;
  }

  /** Runs lib/math's attend on the current inputs and redraws every step. */
  compute(): void {
    const score = this.inputs.score!.value;
    for (const name of ["W", "Wq", "Wk", "v"] as const) {
      const used = name === "W" ? score === "general" : score === "additive";
      this.texts[name].parentElement!.hidden = !used;
    }
    this.inputs.validLens!.parentElement!.hidden = this.inputs.mask!.value !== "padding";
    try {
      const queries = parseMatrix("Q", this.texts.Q.value);
      const keys = parseMatrix("K", this.texts.K.value);
      const values = parseMatrix("V", this.texts.V.value);
      const options = this.options();
      const trace = attend(queries, keys, values, options);
      this.error.textContent = "";
      this.render({ Q: queries, K: keys, V: values }, trace);
      this.element.dataset.trace = numbersToJson({
        inputs: { queries, keys, values, options },
        steps: Object.fromEntries(trace.steps.map((st) => [st.name, st.value])),
      });
    } catch (err) {
      this.error.textContent = messageOf(err);
    }
  }

  private render(inputs: Record<string, number[][]>, trace: AttentionTrace): void {
    this.bus.clear();
    this.bus.on((event) => {
      this.readout.textContent = event?.readout ?? "\u00a0";
    });
    const t = inputs.Q!.length;
    const s = inputs.K!.length;
    const qLabels = Array.from({ length: t }, (_, i) => `q${i}`);
    const kLabels = Array.from({ length: s }, (_, j) => `k${j}`);
    const labels: Record<string, string[]> = { query: qLabels, key: kLabels };
    const view = (name: string, matrix: number[][], title: string, equation?: string) => {
      const [rowAxis, colAxis] = AXES[name] ?? ["query", "key"];
      const map = new HeatmapView({ name, title, rowAxis, colAxis, bus: this.bus });
      map.set(matrix, labels[rowAxis], labels[colAxis]);
      if (equation) map.element.append(equationElement(equation));
      return map.element;
    };
    const inputRow = el("div", { class: "map-row" });
    for (const name of ["Q", "K", "V"]) inputRow.append(view(name, inputs[name]!, name));
    const stepRow = el("div", { class: "map-row" });
    for (const st of trace.steps)
      stepRow.append(view(st.name, st.value, `${st.name}  [${st.shape.join(" × ")}]`, st.equation));
    this.views.replaceChildren(el("h3", {}, "inputs"), inputRow, el("h3", {}, "trace steps"), stepRow);
  }
}

/** A step's equation (TeX from the tier-1 trace) rendered by KaTeX; TeX it cannot parse shows as its source. */
function equationElement(tex: string): HTMLElement {
  const span = el("span", { class: "equation", "data-tex": tex });
  katex.render(tex, span, { throwOnError: false, trust: false, strict: "ignore", output: "htmlAndMathml" });
  return span;
}
