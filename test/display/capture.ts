/** What show() sends, captured through the display sink (tests restore the default sink with `setDisplaySink()`). */
import { type DisplayMessage, setDisplaySink } from "../../lib/display/index.js";

/** A 2 × 2 weight matrix the display tests chart. */
export const w = [
  [0.9, 0.1],
  [0.4, 0.6],
];

/** Routes every display message into `sent`, in order, with whether it updated an earlier display. */
export function capture(): { sent: { message: DisplayMessage; update: boolean }[] } {
  const out = { sent: [] as { message: DisplayMessage; update: boolean }[] };
  setDisplaySink((message, update) => out.sent.push({ message, update }));
  return out;
}
