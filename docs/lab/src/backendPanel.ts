/**
 * The backend panel: which TensorFlow.js backend runs the lab and why (lib/tfjs `initBackend`'s reason), the
 * WebGL renderer, and the default policy of lib/tfjs/chooseBackend.ts for this browser (webgl on a GPU, wasm
 * first on a software renderer such as SwiftShader, where it is 2–11× faster), with links that force one.
 */
import { isSoftwareRenderer, planBackends } from "../../../lib/tfjs/chooseBackend.js";
import type { BackendInfo } from "../../../lib/tfjs/initBackend.js";
import { el } from "./dom.js";

/** The panel for the running backend `info`; `renderer` is the WebGL renderer string, if any. */
export function backendPanel(info: BackendInfo, renderer: string | undefined): HTMLElement {
  const software = renderer !== undefined && isSoftwareRenderer(renderer);
  const order = planBackends({ isNode: false, renderer }).order;
  const policy =
    renderer === undefined
      ? "This browser has no WebGL, so the default is wasm, then cpu."
      : software
        ? `The WebGL renderer is software (${renderer}): there wasm is 2–11× faster than webgl, so the default order here is ${order.join(" → ")}.`
        : `The WebGL renderer is a GPU, so the default order is ${order.join(" → ")}.`;
  const links = ["webgl", "wasm", "cpu"].map((b) => el("a", { href: `?backend=${b}` }, b));
  const panel = el(
    "section",
    {
      id: "backend",
      class: "panel backend",
      "data-backend": info.name,
      "data-renderer": renderer ?? "",
      "data-software": String(software),
    },
    el("h2", {}, "Backend"),
    el(
      "p",
      {},
      "TensorFlow.js backend: ",
      el("strong", { id: "backend-name" }, info.name),
      ` ${info.version} — ${info.reason}.`,
    ),
    el("p", {}, "WebGL renderer: ", el("code", { id: "backend-renderer" }, renderer ?? "none")),
    el(
      "p",
      { class: "note" },
      policy,
      " Force one: ",
      ...links.flatMap((a) => [a, " "]),
      el("a", { href: "?" }, "default"),
      ".",
    ),
  );
  return panel;
}
