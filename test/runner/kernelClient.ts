/** Helpers for tests that drive a real attnlab kernel with the runner's client: start one, log its iopub. */
import { join } from "node:path";
import { Kernel } from "../../lib/runner/kernel.js";
import type { Message } from "../../lib/runner/wire.js";
import { root } from "./helpers.js";

/** The machine is loaded: a kernel takes 5–15 s to start. */
export const START_TIMEOUT_MS = 120_000;

/** One iopub message as a test looks at it, stamped with its arrival time (performance.now()). */
export interface Seen {
  at: number;
  parent: string;
  type: string;
  content: Record<string, unknown>;
}

/** A kernel started in notebooks/ (where `attnlab` resolves), with every iopub message kept in `seen`. */
export async function startKernel(): Promise<{ kernel: Kernel; seen: Seen[] }> {
  const kernel = await Kernel.start({ cwd: join(root, "notebooks"), startTimeoutMs: START_TIMEOUT_MS });
  const seen: Seen[] = [];
  kernel.onIopub = (m: Message) =>
    seen.push({
      at: performance.now(),
      parent: m.parent_header.msg_id ?? "",
      type: m.header.msg_type,
      content: m.content,
    });
  return { kernel, seen };
}

/** The text a cell wrote on stdout/stderr (iopub stream messages of request `msgId`). */
export function streamText(seen: readonly Seen[], msgId: string): string {
  return seen
    .filter((m) => m.parent === msgId && m.type === "stream")
    .map((m) => String(m.content.text))
    .join("");
}

/** Resolves once `check()` holds (polled every 50 ms), or rejects after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
