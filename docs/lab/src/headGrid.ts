/**
 * The multi-head view: a layers × heads grid of a Transformer's attention maps (encoder self-attention, decoder
 * self-attention or decoder cross-attention), rows = queries, columns = keys. Click a map to enlarge it; hover a
 * token to highlight its row (query) or column (key) in every map. Follows lib/plot/headGrid.ts's layout
 * (facet rows = layers, columns = heads), drawn on canvases.
 */
import { el, select } from "./dom.js";
import { HeatmapView } from "./heatmap.js";
import { HoverBus } from "./hoverBus.js";

/** Attention weights per layer and head: `[L][N][queries][keys]`. */
export interface AttentionMaps {
  encoder: number[][][][];
  decoderSelf: number[][][][];
  decoderCross: number[][][][];
}

type Kind = keyof AttentionMaps;
const KINDS: Record<Kind, string> = {
  decoderCross: "decoder cross-attention",
  decoderSelf: "decoder self-attention",
  encoder: "encoder self-attention",
};

export class HeadGrid {
  readonly element: HTMLElement;
  private readonly bus = new HoverBus();
  private readonly kind = select("heads-kind", KINDS, "decoderCross");
  private readonly tokens = el("div", { class: "tokens" });
  private readonly grid = el("div", { class: "head-grid" });
  private readonly enlarged = el("div", { class: "enlarged" });
  private maps?: AttentionMaps;
  private enlargedView?: HeatmapView;
  private labels = { source: [] as string[], target: [] as string[] };

  constructor() {
    this.element = el(
      "div",
      { id: "heads", class: "heads" },
      el("div", { class: "controls" }, el("label", {}, "maps ", this.kind)),
      this.tokens,
      this.grid,
      this.enlarged,
    );
    this.kind.addEventListener("change", () => this.draw());
  }

  /** Shows `maps` for a source and a decoder input labelled by `source` and `target`. */
  set(maps: AttentionMaps, source: string[], target: string[]): void {
    this.maps = maps;
    this.labels = { source, target };
    this.draw();
  }

  private axes(kind: Kind): [string[], string[]] {
    const { source, target } = this.labels;
    return kind === "encoder"
      ? [source, source]
      : kind === "decoderSelf"
        ? [target, target]
        : [target, source];
  }

  private draw(): void {
    if (!this.maps) return;
    const kind = this.kind.value as Kind;
    const layers = this.maps[kind];
    const [rows, cols] = this.axes(kind);
    this.bus.clear();
    this.tokens.replaceChildren(
      this.strip(
        kind === "encoder" ? "queries (rows)" : "queries (rows: decoder input, each predicts the next token)",
        rows,
        "q",
      ),
      this.strip("keys (columns)", cols, "k"),
    );
    this.grid.replaceChildren();
    this.grid.style.gridTemplateColumns = `auto repeat(${layers[0]?.length ?? 0}, auto)`;
    Object.assign(this.grid.dataset, {
      kind,
      layers: String(layers.length),
      heads: String(layers[0]?.length ?? 0),
    });
    layers.forEach((heads, l) => {
      this.grid.append(el("div", { class: "grid-label" }, `layer ${l + 1}`));
      heads.forEach((weights, h) => {
        const view = new HeatmapView({
          name: `L${l + 1}H${h + 1}`,
          rowAxis: "q",
          colAxis: "k",
          cell: 12,
          labels: false,
          bus: this.bus,
        });
        view.set(weights, rows, cols);
        const cellBox = el(
          "button",
          { type: "button", class: "thumb", title: `layer ${l + 1}, head ${h + 1}: click to enlarge` },
          view.element,
          `head ${h + 1}`,
        );
        cellBox.addEventListener("click", () => this.enlarge(l, h));
        this.grid.append(cellBox);
      });
    });
    this.enlarge(0, 0);
  }

  private enlarge(layer: number, head: number): void {
    const kind = this.kind.value as Kind;
    const weights = this.maps?.[kind][layer]?.[head];
    if (!weights) {
      this.enlarged.replaceChildren();
      return;
    }
    const [rows, cols] = this.axes(kind);
    const name = `${KINDS[kind]}, layer ${layer + 1}, head ${head + 1}`;
    const view = new HeatmapView({
      name: `L${layer + 1}H${head + 1}`,
      title: name,
      rowAxis: "q",
      colAxis: "k",
      cell: 32,
      bus: this.bus,
    });
    view.set(weights, rows, cols);
    this.enlargedView?.detach();
    this.enlargedView = view;
    this.enlarged.replaceChildren(view.element);
  }

  /** A strip of token chips; hovering one highlights its row (queries) or column (keys) everywhere. */
  private strip(caption: string, labels: string[], axis: "q" | "k"): HTMLElement {
    const chips = labels.map((label, i) => {
      const chip = el("span", { class: "token", "data-axis": axis, "data-index": String(i) }, label);
      chip.addEventListener("mouseenter", () =>
        this.bus.emit({ coords: { [axis]: i }, readout: `${axis} ${label}` }),
      );
      chip.addEventListener("mouseleave", () => this.bus.emit(null));
      return chip;
    });
    this.bus.on((event) => {
      const index = event?.coords[axis];
      for (const chip of chips) chip.classList.toggle("hot", chip.dataset.index === String(index));
    });
    return el("div", { class: "strip" }, el("span", { class: "strip-label" }, caption), ...chips);
  }
}
