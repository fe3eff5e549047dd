/**
 * Headless Chromium for the browser tests (the lab, the course pages), offline: Debian's /usr/bin/chromium
 * through playwright-core (no browser download), a throw-away profile, and every request the test did not allow
 * aborted and collected in `outside`, so a test can assert that nothing left the machine.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`), the only browser the tests use. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether {@link CHROMIUM} is installed. */
export const hasChromium = (): boolean => existsSync(CHROMIUM);

/** The message a browser test fails with when Chromium is missing. */
export function missingChromium(what: string): string {
  return `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run ${what}`;
}

/** Flags for a quiet headless browser that makes no requests of its own. */
const BASE_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** How {@link launchOffline} starts the browser. */
export interface OfflineOptions {
  /** Which requests may go through (the rest are aborted and listed in `outside`). */
  allow: (url: URL) => boolean;
  /** Flags added to the base ones, e.g. SwiftShader for WebGL. */
  extraArgs?: readonly string[];
  viewport?: { width: number; height: number };
}

/** A running offline browser: its context, the requests it refused, and `close` (which removes the profile). */
export interface OfflineBrowser {
  context: BrowserContext;
  outside: string[];
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile whose requests outside `allow` are aborted and recorded. */
export async function launchOffline(options: OfflineOptions): Promise<OfflineBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "attnlab-chromium-"));
  const outside: string[] = [];
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...BASE_ARGS, ...(options.extraArgs ?? [])],
      ...(options.viewport ? { viewport: options.viewport } : {}),
    });
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (options.allow(url)) return route.continue();
      outside.push(url.href);
      return route.abort();
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    outside,
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true }); // the profile this function created
      }
    },
  };
}
