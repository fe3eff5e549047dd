// Launcher patch: stack traces in the kernel read like the learner's code — source-mapped, trimmed, short paths.
"use strict";
const { findSourceMap } = require("node:module");
const path = require("node:path");
const { fileURLToPath } = require("node:url");
const { cellPosition, isCellFile } = require("./cellMaps.cjs");

// Node applies source maps (process.setSourceMapsEnabled) to the modules it loads, so attnlab's dist/cjs
// frames already point at lib/**/*.ts — but only while Error.prepareStackTrace is its own; and it never maps
// code run by `vm`, which is how tslab runs cells. This formatter does both: a frame in a loaded module goes
// through that module's source map (module.findSourceMap), a frame in a cell through the cell's maps
// (cellMaps.cjs). Then it drops the frames of Node's internals, vm, tslab and this launcher, keeps only the
// first and last of a run of frames inside another package (tfjs), and shortens paths:
// `attnlab/lib/train/fit.ts:95:13` inside the attnlab package, `node_modules/<pkg>/…` for other packages,
// `./x.ts` under the notebook's folder. ATTNLAB_FULL_STACKS=1 keeps every frame.

/** True for a file of the attnlab package itself (not of a package installed inside it). */
function ownFile(file, dirs) {
  const rel = path.relative(dirs.packageDir, file);
  return !rel.startsWith("..") && !path.isAbsolute(rel) && !rel.split(path.sep).includes("node_modules");
}

function shortPath(file, dirs) {
  if (ownFile(file, dirs)) return `attnlab/${path.relative(dirs.packageDir, file).split(path.sep).join("/")}`;
  const nm = file.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  if (nm !== -1) return file.slice(nm + 1);
  const cwd = path.relative(dirs.cwd, file);
  if (!cwd.startsWith("..") && !path.isAbsolute(cwd)) return `./${cwd.split(path.sep).join("/")}`;
  return file;
}

/** The original file, line and column of a frame in a loaded module with a source map, else null. */
function mapped(file, line, column) {
  let map;
  try {
    map = findSourceMap(file);
  } catch {
    return null;
  }
  const entry = map?.findEntry(line - 1, column - 1);
  if (!entry || entry.originalSource === undefined) return null;
  const source = entry.originalSource.startsWith("file:")
    ? fileURLToPath(entry.originalSource)
    : entry.originalSource;
  return { file: source, line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

/** One frame as V8 prints it, with its location rewritten; null to drop it. */
function frameText(site, dirs) {
  const text = String(site);
  const file = site.getFileName?.() ?? undefined;
  const line = site.getLineNumber?.();
  const column = site.getColumnNumber?.();
  if (!file || line == null || column == null) return { text, internal: false };
  const where = `${file}:${line}:${column}`;
  const at = text.lastIndexOf(where);
  const replace = (loc) => (at === -1 ? text : text.slice(0, at) + loc + text.slice(at + where.length));
  if (isCellFile(file)) {
    const pos = cellPosition(file, line, column);
    if (pos === null) return null; // the wrapper's own last line
    return { text: pos ? replace(`${file}:${pos.line}:${pos.column}`) : text, internal: false };
  }
  const internal =
    file.startsWith("node:") ||
    file === "evalmachine.<anonymous>" ||
    file.startsWith(dirs.tslabDir) ||
    file.startsWith(dirs.launcherDir);
  const filePath = file.startsWith("file:") ? fileURLToPath(file) : file;
  if (!path.isAbsolute(filePath)) return { text, internal };
  const own = ownFile(filePath, dirs);
  // Only attnlab's own files are mapped: other packages' maps name sources that are not installed.
  const orig = own ? mapped(file, line, column) : null;
  const pkg = own ? null : packageOf(filePath);
  const loc = orig
    ? `${shortPath(orig.file, dirs)}:${orig.line}:${orig.column}`
    : `${shortPath(filePath, dirs)}:${line}:${column}`;
  return { text: replace(loc), internal, pkg };
}

/** The installed package a file belongs to (`@scope/name` or `name` after the last node_modules), else null. */
function packageOf(file) {
  const parts = file.split(path.sep);
  const nm = parts.lastIndexOf("node_modules");
  if (nm === -1 || nm + 1 >= parts.length) return null;
  return parts[nm + 1].startsWith("@") ? parts.slice(nm + 1, nm + 3).join("/") : parts[nm + 1];
}

/** In a run of frames inside one other package, only the first (where it failed) and the last (what was called). */
function collapsePackages(frames) {
  return frames.filter((f, i) => {
    if (!f.pkg) return true;
    const first = frames[i - 1]?.pkg !== f.pkg;
    const last = frames[i + 1]?.pkg !== f.pkg;
    return first || last;
  });
}

function formatStack(error, sites, dirs, full) {
  let header;
  try {
    header = Error.prototype.toString.call(error);
  } catch {
    header = "<error>";
  }
  const frames = sites.map((site) => frameText(site, dirs)).filter((f) => f !== null);
  const shown = full ? frames : collapsePackages(frames.filter((f) => !f.internal));
  return header + shown.map((f) => `\n    at ${f.text}`).join("");
}

/** Installs the formatter; `dirs`: packageDir (attnlab), tslabDir, launcherDir, cwd (the notebook's folder). */
function installStackFormatter(dirs) {
  const full = process.env.ATTNLAB_FULL_STACKS === "1";
  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 30);
  Error.prepareStackTrace = (error, sites) => {
    try {
      return formatStack(error, sites, dirs, full);
    } catch {
      return `${error}${sites.map((site) => `\n    at ${site}`).join("")}`;
    }
  };
}

module.exports = { installStackFormatter, shortPath };
