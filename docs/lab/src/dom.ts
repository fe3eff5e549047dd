/** Tiny DOM helpers for the lab pages: create an element with attributes and children, and labelled inputs. */

type Child = Node | string;

/** `el("div", { class: "row" }, "text", child)`: an element with attributes (strings) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** A `<label>` holding a caption and a control. */
export function labelled(caption: string, control: HTMLElement): HTMLLabelElement {
  return el("label", {}, `${caption} `, control);
}

/** A `<select>` over `options` (value → caption) with `value` selected. */
export function select(id: string, options: Record<string, string>, value: string): HTMLSelectElement {
  const node = el("select", { id });
  for (const [v, caption] of Object.entries(options)) node.append(el("option", { value: v }, caption));
  node.value = value;
  return node;
}

/** A number `<input>`. */
export function numberInput(id: string, value: number, attrs: Record<string, string> = {}): HTMLInputElement {
  return el("input", { id, type: "number", value: String(value), ...attrs });
}

/** The message of anything thrown. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
