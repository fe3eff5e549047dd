// Launcher patch: source maps for notebook cells, so a stack frame in a cell names `<cell N>` and its own line.
"use strict";
const Module = require("node:module");
const vm = require("node:vm");

// tslab 1.0.22 compiles a cell twice — TypeScript to an ES module (its watch program, with its own transformers:
// exported locals, the last expression), then that to CommonJS (`ts.transpileModule`, fileName "custom.js") —
// and runs the result with `vm.runInThisContext` as "evalmachine.<anonymous>", wrapped on one line in
// `(function(exports, require) { … \n})(…)`. Stack lines were therefore those of the generated code: two header
// lines (`Object.defineProperty(exports, "__esModule", …)`, `exports.x = void 0;`) plus one `exports.x = x;`
// after each declaration, and none for type-only lines. Here both compilations also emit a source map (the first
// inline, the second beside it); the two are kept, composed at lookup, per cell.

const INLINE_MAP = /\n?\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;
const CELL_PREFIX = /^\((?:async )?function\(exports, require\) \{ /;
const CELL_SUFFIX = "\n})(__tslab__.exports, __tslab__.require)";
const MAX_CELLS = 1000;

/** Compiled outputs waiting for their run (output text → maps), and cells run so far (file name → cell). */
const pending = new Map();
const cells = new Map();

function remember(map, key, value) {
  map.set(key, value);
  if (map.size > MAX_CELLS) map.delete(map.keys().next().value);
}

/** A view of tslab's TypeScript whose two compile steps also write the source maps that are kept here. */
function typescriptWithMaps(ts) {
  const view = {};
  for (const key of Object.keys(ts)) {
    Object.defineProperty(view, key, { enumerable: true, configurable: true, get: () => ts[key] });
  }
  const own = (key, value) => Object.defineProperty(view, key, { enumerable: true, value });
  own("createWatchCompilerHost", (rootFiles, options, ...rest) =>
    ts.createWatchCompilerHost(
      rootFiles,
      Array.isArray(rootFiles) ? { ...options, inlineSourceMap: true } : options,
      ...rest,
    ),
  );
  own("transpileModule", (input, transpileOptions) => {
    const inline = INLINE_MAP.exec(input);
    if (!inline) return ts.transpileModule(input, transpileOptions);
    const compilerOptions = { ...transpileOptions?.compilerOptions, sourceMap: true };
    const out = ts.transpileModule(input.slice(0, inline.index), { ...transpileOptions, compilerOptions });
    const outputText = out.outputText.replace(/\/\/# sourceMappingURL=\S*\s*$/, "");
    try {
      const first = JSON.parse(Buffer.from(inline[1], "base64").toString("utf8"));
      const maps = {
        toModule: new Module.SourceMap(first),
        toCjs: new Module.SourceMap(JSON.parse(out.sourceMapText)),
      };
      remember(pending, outputText, maps);
    } catch {
      // No map for this output: its frames keep the generated lines.
    }
    return { ...out, outputText, sourceMapText: undefined };
  });
  return view;
}

/** While `load` runs, tslab's modules that require its TypeScript get {@link typescriptWithMaps}. */
function withTypescriptMaps(tslabDir, load) {
  const original = Module._load;
  let view;
  Module._load = function (request, parent, ...rest) {
    const mod = original.call(this, request, parent, ...rest);
    if (request !== "@tslab/typescript-for-tslab" || !parent?.filename?.startsWith(tslabDir)) return mod;
    view ??= typescriptWithMaps(mod);
    return view;
  };
  try {
    return load();
  } finally {
    Module._load = original;
  }
}

/** Cell code run by tslab gets the file name `<cell N>` (N: the execution count); its maps are filed under it. */
function nameCells(jupyter) {
  let count = 0;
  const proto = jupyter.JupyterHandlerImpl.prototype;
  const impl = proto.handleExecuteImpl;
  proto.handleExecuteImpl = function (...args) {
    count = (this.execCount ?? 0) + 1; // tslab increments execCount for this request before running it
    return impl.apply(this, args);
  };
  const run = vm.runInThisContext;
  vm.runInThisContext = function (code, options, ...rest) {
    const prefix = typeof code === "string" ? CELL_PREFIX.exec(code) : null;
    if (!prefix || !code.endsWith(CELL_SUFFIX) || (options !== undefined && typeof options !== "object")) {
      return run.call(this, code, options, ...rest);
    }
    const body = code.slice(prefix[0].length, -CELL_SUFFIX.length);
    const filename = `<cell ${count}>`;
    remember(cells, filename, {
      prefixLength: prefix[0].length,
      lines: body.split("\n").length,
      maps: pending.get(body),
    });
    pending.delete(body);
    return run.call(this, code, { ...options, filename, displayErrors: false }, ...rest);
  };
}

/**
 * The cell line and column (1-based) of a position in a cell's generated code, `null` for the wrapper's own
 * last line, `undefined` when unknown (no map).
 */
function cellPosition(filename, line, column) {
  const cell = cells.get(filename);
  if (!cell) return undefined;
  if (line > cell.lines) return null;
  const col = line === 1 ? column - cell.prefixLength : column;
  if (!cell.maps) return undefined;
  const inModule = cell.maps.toCjs.findEntry(line - 1, Math.max(0, col - 1));
  if (inModule.originalLine === undefined) return undefined;
  const inCell = cell.maps.toModule.findEntry(inModule.originalLine, inModule.originalColumn);
  if (inCell.originalLine === undefined) return undefined;
  // tslab's source file is "export {};\n" + the cell: its 0-based line k is the cell's line k.
  return { line: Math.max(1, inCell.originalLine), column: inCell.originalColumn + 1 };
}

module.exports = { withTypescriptMaps, nameCells, cellPosition, isCellFile: (f) => cells.has(f) };
