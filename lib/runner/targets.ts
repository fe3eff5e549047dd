// Where `attnlab run` writes each notebook's executed copy and HTML page, planned on real paths before any kernel
// starts: no output lands on an input, on another input's output, or on a file the runner did not write for it.
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";

/** One notebook to run and the files it may write. */
export interface Target {
  /** The input as shown to the user (relative to the working folder when possible). */
  input: string;
  /** The input's real path (symbolic links resolved). */
  real: string;
  /** The executed copy (the input's real path with --inplace). */
  output: string;
  /** The HTML page beside the output, when asked for. */
  html: string | null;
  /** The input's path relative to the output's folder, recorded in what the runner writes for it. */
  source: string;
}

export interface PlanOptions {
  outDir: string;
  inplace: boolean;
  html: boolean;
  cwd: string;
}

const WHERE = "attnlab run";
const SKIP_DIRS = new Set([".ipynb_checkpoints", "node_modules"]);

/** The real path of `path`: its longest existing prefix resolved with realpath, the rest appended. */
export function realPathOf(path: string): string {
  const rest: string[] = [];
  let p = resolve(path);
  for (;;) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      const parent = dirname(p);
      if (parent === p) return resolve(path);
      rest.push(basename(p));
      p = parent;
    }
  }
}

function walk(dir: string, skip: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const folder = entry.isDirectory() && !SKIP_DIRS.has(entry.name) && !entry.name.startsWith(".");
    if (folder && realPathOf(path) !== skip) found.push(...walk(path, skip));
    else if (entry.isFile() && entry.name.endsWith(".ipynb")) found.push(path);
  }
  return found;
}

/**
 * Files as given (each must be a `.ipynb` file); folders become their *.ipynb files (recursively, sorted by
 * path, no checkpoints, not inside the folder whose real path is `skip`). Paths come back absolute.
 */
export function expandNotebooks(paths: string[], cwd = process.cwd(), skip = ""): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) throw new Error(`${WHERE}: no such notebook or folder: ${p}`);
    if (statSync(abs).isDirectory())
      out.push(...walk(abs, skip).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    else if (!abs.endsWith(".ipynb")) throw new TypeError(`${WHERE}: ${p} is not a notebook (.ipynb)`);
    else out.push(abs);
  }
  return out;
}

/** Where the executed copy of `input` goes; never the source itself unless `inplace`. */
export function outputPathFor(input: string, outDir: string, inplace: boolean, cwd: string): string {
  const abs = resolve(cwd, input);
  if (inplace) return realPathOf(abs);
  const rel = relative(cwd, abs);
  const mirrored = rel.startsWith("..") || isAbsolute(rel) ? basename(abs) : rel;
  return resolve(cwd, outDir, mirrored);
}

/** The `source` an existing file records, or null when it records none (not written by the runner). */
function recordedSource(path: string): string | null {
  const text = readFileSync(path, "utf8");
  if (path.endsWith(".html")) {
    const m = /<meta name="attnlab-source" content="([^"]*)">/.exec(text.slice(0, 4096));
    return m
      ? m[1]!
          .replace(/&quot;/g, '"')
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">")
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, "&")
      : null;
  }
  try {
    const source = JSON.parse(text)?.metadata?.attnlab_run?.source;
    return typeof source === "string" ? source : null;
  } catch {
    return null;
  }
}

/** Throws unless `path` is absent or a regular file that the runner wrote for the input at `real`. */
function checkReplaceable(path: string, real: string, input: string): void {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  const hint = "move it away or choose another -o folder";
  if (!stat.isFile()) throw new Error(`${WHERE}: ${path} exists and is not a regular file; ${hint}`);
  const source = recordedSource(path);
  if (source !== null && resolve(dirname(realPathOf(path)), source) === real) return;
  const why = source === null ? "it was not written by attnlab run" : `it was written for ${source}`;
  throw new Error(`${WHERE}: ${path} exists and is not an earlier output of ${input} (${why}); ${hint}`);
}

/** Records `what` at `real`, throwing when another input or output already has that real path. */
function claim(claims: Map<string, string>, real: string, what: string): void {
  const other = claims.get(real);
  if (other !== undefined) {
    throw new Error(`${WHERE}: ${what} and ${other} are the same file (${real}); nothing was run`);
  }
  claims.set(real, what);
}

/**
 * Plans every input's outputs (see `attnlab run --help`, "Outputs"): throws, naming both files, when two
 * inputs are one notebook, when an output would land on an input or on another output, or when an existing
 * file there is not an earlier output of the same input.
 */
export function planTargets(paths: string[], options: PlanOptions): Target[] {
  const cwd = resolve(options.cwd);
  const outBase = options.inplace ? "" : realPathOf(resolve(cwd, options.outDir));
  const inputs = expandNotebooks(paths, cwd, outBase);
  if (inputs.length === 0) throw new Error(`${WHERE}: no notebooks found in ${paths.join(", ")}`);
  const claims = new Map<string, string>();
  const targets = inputs.map((abs) => {
    const input = relative(cwd, abs) || abs;
    const real = realpathSync(abs);
    claim(claims, real, `the input ${input}`);
    return { input, real, abs };
  });
  return targets.map(({ input, real, abs }) => {
    const output = outputPathFor(abs, options.outDir, options.inplace, cwd);
    const html = options.html ? `${output.replace(/\.ipynb$/, "")}.html` : null;
    if (!options.inplace) {
      claim(claims, realPathOf(output), `the executed copy of ${input} (${output})`);
      checkReplaceable(output, real, input);
    }
    if (html) {
      claim(claims, realPathOf(html), `the HTML page of ${input} (${html})`);
      checkReplaceable(html, real, input);
    }
    return { input, real, output, html, source: relative(dirname(realPathOf(output)), real) };
  });
}
