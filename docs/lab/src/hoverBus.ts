/**
 * Linked hover: every heatmap names the axes of its rows and columns (`query`, `key`, `d`, `dv`, …); hovering a
 * cell publishes its coordinates on those axes, and every view highlights the row or column on the axes it
 * shares. Follows the linked-brushing idea of vega-lite's shared selections, without vega.
 */

/** A hovered cell: its index on each named axis, and a text readout; `null` when the pointer leaves. */
export type HoverEvent = { coords: Record<string, number>; readout: string } | null;

/** Broadcasts hover events to every listener. */
export class HoverBus {
  private listeners: ((event: HoverEvent) => void)[] = [];

  /** Adds a listener; returns the function that removes it. */
  on(listener: (event: HoverEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  emit(event: HoverEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  clear(): void {
    this.listeners = [];
  }
}
